import pytest

from tests.factories import PASSWORD


@pytest.fixture
def trainer(make):
    return make.user("trainer@example.com", roles=("trainer",))


@pytest.fixture
def as_trainer(app, trainer):
    client = app.test_client()
    client.post("/login", data={"email": trainer.email, "password": PASSWORD})
    return client


def login_as(app, user):
    client = app.test_client()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    return client
