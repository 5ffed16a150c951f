def navigation(request):
    """What the menu offers this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    from clustermonitor.accounts.twofactor import pending_step

    step = pending_step(request)
    if step is not None:  # password given, second step not yet: no menu
        return {"nav": {}, "second_step": step}
    return {
        "nav": {
            "portfolio": True,
            "calls": user.has_perm("programmes.view_calls"),
            "programmes": user.has_perm("programmes.view_portfolio"),
            "audit": user.has_perm("core.view_audit"),
            "users": user.has_perm("accounts.manage_users"),
            "registry": user.has_perm("registry.view_registry"),
            "kbo": user.has_perm("registry.run_kbo_import"),
            "worklist": user.has_perm("programmes.view_account"),
            "criteria": user.has_perm("programmes.view_criteria"),
            "surveys": user.has_perm("surveys.manage_surveys"),
            "reports": user.has_perm("reports.generate_report"),
            "own_cluster_codes": _own_codes(user),
            "own_clusters": sorted(user.managed_cluster_ids),
        }
    }


def _own_codes(user) -> list[str]:
    if not user.managed_cluster_ids:
        return []
    from clustermonitor.programmes.models import Cluster

    return list(
        Cluster.objects.filter(pk__in=user.managed_cluster_ids).values_list("code", flat=True)
    )
