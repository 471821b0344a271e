from __future__ import annotations

import click
from flask.cli import AppGroup

from accounts import service as accounts
from courses.assignment import AssignmentError, assign_course
from courses.models import Course
from extensions import db

courses_cli = AppGroup("courses", help="Courses and assignments.")


@courses_cli.command("assign")
@click.argument("course_slug")
@click.option("--department", "department_code", help="department code (default: everyone)")
@click.option("--subtree/--no-subtree", default=True, help="include sub-departments")
@click.option("--due-days", type=click.IntRange(min=0), help="due N days after --due-from")
@click.option("--due-from", type=click.Choice(["hire", "assignment"]), default="hire")
@click.option("--due-date", type=click.DateTime(formats=["%Y-%m-%d"]), help="fixed due date")
def assign_command(course_slug: str, department_code: str | None, subtree: bool,
                   due_days: int | None, due_from: str, due_date) -> None:
    """Assign a course to a department (and its subtree) or to everyone."""
    course = db.session.scalar(db.select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug}")
    department = accounts.get_department_by_code(department_code) if department_code else None
    if department_code and department is None:
        raise click.ClickException(f"unknown department code {department_code}")
    try:
        _, created = assign_course(
            course, department, include_subtree=subtree, due_days=due_days, due_from=due_from,
            due_date=due_date.date() if due_date else None)
    except AssignmentError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"assigned {course_slug} to {department_code or 'everyone'}: "
               f"{created} new enrollment(s)")


@courses_cli.command("list")
def list_command() -> None:
    """List courses with their status."""
    for course in db.session.scalars(db.select(Course).order_by(Course.slug)):
        click.echo(f"{course.slug}\t{course.status}\t{course.title}")


