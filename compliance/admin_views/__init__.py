"""The Wagtail admin's own screens for compliance, a module each: the requirement editor, the
lists and inspect pages, the action pages that go through the services, the HR imports and the
file check, and the manager observations report. The model viewsets are in `viewsets.py`, the
menu items in `menus.py`; `wagtail_hooks.py` only registers them."""
