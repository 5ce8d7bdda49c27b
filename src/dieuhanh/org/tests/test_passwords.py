import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from dieuhanh.org.models import User


@pytest.mark.argon2
def test_passwords_are_stored_as_argon2_hashes(db):
    user = User.objects.create_user(username="canbo", password="Mat-khau-rat-dai-2026")
    assert user.password.startswith("argon2$argon2id$")
    assert "Mat-khau-rat-dai-2026" not in user.password
    request = RequestFactory().post("/dang-nhap/")
    assert authenticate(request, username="canbo", password="Mat-khau-rat-dai-2026") == user
    assert authenticate(request, username="canbo", password="sai") is None
