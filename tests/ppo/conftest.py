import pytest


@pytest.fixture(autouse=True)
def share_everything(request):
    """Register tests check the register, not information sharing (tests/sharing does): in
    them the scheme's protocol shares every category with every agency without consent."""
    if "scheme" not in request.fixturenames:
        return
    from ppo.models import AgencyType
    from sharing.categories import Category
    from sharing.services import protocol_save

    protocol_save(
        scheme=request.getfixturevalue("scheme"),
        rules={(t, c): False for t in AgencyType.values for c in Category.values},
        by=None,
        note="Tests of the register",
    )
