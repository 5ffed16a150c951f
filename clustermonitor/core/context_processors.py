def navigation(request):
    """What the menu offers this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "portfolio": True,
            "calls": user.has_perm("programmes.view_calls"),
            "programmes": user.has_perm("programmes.view_portfolio"),
            "audit": user.has_perm("core.view_audit"),
            "users": user.has_perm("accounts.manage_users"),
            "own_clusters": sorted(user.managed_cluster_ids),
        }
    }
