"""Template context shared by every page."""
from mrd_ngo.roles import user_role


def role(request):
    """The user's role, for menus (access itself is decided on the server, never in templates)."""
    return {"user_role": user_role(getattr(request, "user", None))}
