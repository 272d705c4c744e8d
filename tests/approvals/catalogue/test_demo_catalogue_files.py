"""The demo catalogue is data in the catalogue's export format, which the catalogue's own import
reads."""

import json
from pathlib import Path

from approvals.models import VersionStatus
from approvals.services.catalogue_io import FORMAT, import_service
from demo.catalogue import CATALOGUE_DIR, DEMO_SERVICES
from demo.management.commands.seed_demo import DemoSeeder

FILES = sorted(path for path in Path(CATALOGUE_DIR).glob("*.json") if path.name != "index.json")


def test_the_index_lists_every_file_once_in_the_seeding_order():
    index = json.loads((Path(CATALOGUE_DIR) / "index.json").read_text(encoding="utf-8"))
    assert sorted(entry["file"] for entry in index) == [path.name for path in FILES]
    assert index[0]["file"] == "01-ent-reg.json"  # other services cite the licence it issues
    assert len(DEMO_SERVICES) == len(FILES) >= 10


def test_each_file_is_an_export_that_the_catalogue_import_accepts(db):
    # given the demo departments
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    index = json.loads((Path(CATALOGUE_DIR) / "index.json").read_text(encoding="utf-8"))

    for entry in index:
        # when the catalogue's import reads each file in order, as `manage.py import_service` would
        data = json.loads((Path(CATALOGUE_DIR) / entry["file"]).read_text(encoding="utf-8"))
        assert data["format"] == FORMAT
        item = import_service(data, actor=None)

        # then it becomes one draft version of the service, nothing refused
        assert item.code == data["code"]
        assert list(item.versions.values_list("number", "status")) == [(1, VersionStatus.DRAFT)]
