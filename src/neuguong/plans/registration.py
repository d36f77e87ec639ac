"""How plans adds itself to shared pages and to the modules below it (core/registry.py), so none of them
imports it: the menu, the home panel, the document page's panel, the organisation page's link, demo
data, the pickers, and the check of every link to a plan item (PLAN_ITEM_LINK)."""


def register() -> None:
    from neuguong.core import registry

    from . import pickers
    from .demo import seed_plans
    from .panels import document_plan_panel, home_panel
    from .selectors import plan_item_choices
    from .services import plan_item_link

    pickers.register()
    registry.add_nav("Kế hoạch, chương trình", "plans:list", needs_org_role=True, order=23)
    if plan_item_link not in registry.PLAN_ITEM_LINK:
        registry.PLAN_ITEM_LINK.append(plan_item_link)
    if plan_item_choices not in registry.PLAN_ITEM_CHOICES:
        registry.PLAN_ITEM_CHOICES.append(plan_item_choices)
    for hooks, hook in (
        (registry.HOME_PANELS, home_panel),
        (registry.DOCUMENT_PANELS, document_plan_panel),
        (registry.DEMO_SEEDERS, seed_plans),
    ):
        if hook not in hooks:
            hooks.append(hook)
    if ("Kế hoạch, chương trình", "plans:for_org") not in registry.ORG_LINKS:
        registry.ORG_LINKS.append(("Kế hoạch, chương trình", "plans:for_org"))
