import click
from flask.cli import AppGroup

import clock
from demo.activity import seed_activity
from demo.rollouts import seed_rollouts
from demo.service import DEMO_PASSWORD, PEOPLE, seed_demo

cli = AppGroup("demo", help="Demo data.")


@cli.command("seed")
@click.option("--activity/--no-activity", default=True, show_default=True,
              help="Also add 36 colleagues who have worked through the courses.")
def seed_command(activity: bool) -> None:
    """Create the demo company and assign every course to it; prints the logins."""
    report = seed_demo()
    click.echo(f"{report.created_departments} department(s), {len(report.created_users)} "
               f"user(s) created; assigned: {', '.join(report.assigned_courses) or 'nothing new'}")
    if activity:
        done = seed_activity()
        click.echo(f"{done.colleagues} colleague(s) with {done.lessons_read} lesson(s) read, "
                   f"{done.attempts} quiz attempt(s), {done.essays_graded} essay(s) graded")
        if seed_rollouts():
            click.echo("a past knowledge contest, answered lesson questions and a briefing")
    from surveys.demo import seed_surveys

    surveys = seed_surveys(clock.today())
    click.echo(f"{surveys.pledges} pledge(s), {surveys.cycles} survey cycle(s), "
               f"{surveys.answered} survey answer set(s)")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, name, _code, roles, _days in PEOPLE:
        click.echo(f"  {email:<22} {roles:<8} {name}")


@cli.command("generate")
@click.option("--learners", default=1000, show_default=True, type=click.IntRange(1),
              help="How many learners the generated company has.")
@click.option("--courses", default=20, show_default=True, type=click.IntRange(1, 99),
              help="Courses every learner is enrolled in (every 4th has a quiz).")
@click.option("--seed", default=2026, show_default=True, help="Random seed (same seed, same "
              "company).")
@click.option("--survey-respondents", default=0, show_default=True, type=click.IntRange(0),
              help="Also a closed survey cycle with this many respondents (0: none).")
@click.option("--survey-departments", default=60, show_default=True, type=click.IntRange(2),
              help="Departments taking part in that cycle.")
def generate_command(learners: int, courses: int, seed: int, survey_respondents: int,
                     survey_departments: int) -> None:
    """Add a large realistic company (departments, hires, enrollments, attempts) for reports."""
    from demo.generate import generate_company, summary

    for line in summary(generate_company(learners, courses=courses, seed=seed)):
        click.echo(line)
    if survey_respondents:
        from surveys.generate import generate_cycle

        made = generate_cycle(survey_respondents, survey_departments, clock.today(), seed)
        click.echo(f"survey cycle {made.cycle_id}: {made.respondents} respondents across "
                   f"{made.departments} departments, {made.ratings} ratings")
