"""The app resolves `--db postgresql://...` to a ServerAddress before it offers a demo on an
empty server database: open_demo takes that address as well as the URL text (a Path of it
was a TypeError)."""

from __future__ import annotations

from ocrebill_gui import store as st
from ocrebill_gui.store.demo_accounts import open_demo
from ocrebill_gui.store.server import server_address


def test_a_demo_made_on_a_server_opens_by_its_address(pg_url):
    address = server_address(pg_url)  # what resolve_db_path gives the app
    st.create_demo_database(address, visits=10)
    with open_demo(address) as store:
        assert store.path == address
        assert st.has_records(store)
