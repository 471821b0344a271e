from tests.authoring.conftest import as_trainer, trainer  # noqa: F401  (shared fixtures)
