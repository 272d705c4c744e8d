"""Files go through Django's storage API: with STORAGE_BACKEND=s3 they land in an S3-compatible
bucket (django-storages), here a moto stand-in for S3 inside the process (no network)."""

import os
import subprocess
import sys
import textwrap

from django.conf import settings

SCRIPT = textwrap.dedent(
    """
    import django
    from moto import mock_aws

    with mock_aws():
        import boto3

        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="portal-files")
        django.setup()
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        name = default_storage.save("documents/7/ABC.pdf", ContentFile(b"%PDF-1.7 sealed"))
        assert default_storage.open(name).read() == b"%PDF-1.7 sealed"
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket="portal-files")["Contents"]]
        head = s3.head_object(Bucket="portal-files", Key=name)
        print(type(default_storage._wrapped).__name__, keys, head["ContentLength"])
    """
)


def test_with_the_s3_switch_files_are_stored_in_the_bucket(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "PORTAL_VAR_DIR": str(tmp_path),
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "portal-files",
        "S3_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "['documents/7/ABC.pdf']", "15"]
