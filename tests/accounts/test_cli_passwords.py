"""One password rule for every way a password is set, the commands included."""

from __future__ import annotations

from accounts import service


def test_create_refuses_a_short_password_and_writes_nothing(runner):
    result = runner.invoke(args=["accounts", "create", "s@example.com", "--name", "S",
                                 "--password", "short9chr"])
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert service.get_user_by_email("s@example.com") is None


def test_create_with_password_for_scripts(runner):
    result = runner.invoke(args=["accounts", "create", "s@example.com", "--name", "S",
                                 "--password", "long-enough-pass"])
    assert result.exit_code == 0, result.output
    assert service.authenticate("s@example.com", "long-enough-pass") is not None


def test_create_reads_the_password_from_the_environment(runner):
    result = runner.invoke(args=["accounts", "create", "e@example.com", "--name", "E"],
                           env={"RELAY_PASSWORD": "from-the-environment"})
    assert result.exit_code == 0, result.output
    assert service.authenticate("e@example.com", "from-the-environment") is not None


def test_set_password_obeys_the_same_rule(runner, make):
    make.user("p@example.com")
    result = runner.invoke(args=["accounts", "set-password", "p@example.com",
                                 "--password", "short"])
    assert result.exit_code != 0 and "at least 10 characters" in result.output


def test_the_help_documents_password(runner):
    result = runner.invoke(args=["accounts", "create", "--help"])
    assert "--password" in result.output and "RELAY_PASSWORD" in result.output
