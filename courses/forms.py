from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button-only form (mark read, enroll): it carries the CSRF token and nothing else."""
