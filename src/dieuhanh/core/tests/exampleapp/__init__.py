"""An app that exists only in the test suite: a site inspection (*kiểm tra thực tế*) opened in a
ward and closed with a conclusion. It plugs into the platform from this folder alone — a case
type, permissions, a menu entry, pages, an API router, an IOC section, an audit verb and a demo
step — and `test_example_app.py` holds that each appears where the platform shows such things.
It follows docs/development/adding-an-app.md."""
