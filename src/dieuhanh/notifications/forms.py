"""The person's choice of how notifications reach them (/thong-bao/cai-dat/). The form reads the
input; `services.do_set_preferences` validates and saves it (the API would share it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from dieuhanh.notifications.choices import EmailMode


class PreferenceForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Địa chỉ thư điện tử"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy("Địa chỉ của tài khoản đăng nhập; thư thông báo và thư tổng hợp gửi đến đây."),
        error_messages={"max_length": gettext_lazy("Địa chỉ thư điện tử dài quá 254 ký tự.")},
    )
    email_mode = forms.ChoiceField(
        label=gettext_lazy("Nhận thông báo qua thư điện tử"), choices=EmailMode.choices, widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Nhận thông báo qua thư điện tử: chọn một cách."),
            "invalid_choice": gettext_lazy("Nhận thông báo qua thư điện tử: chọn một trong các cách đã nêu."),
        },
    )
    daily_digest = forms.BooleanField(
        label=gettext_lazy("Nhận thư tổng hợp mỗi sáng: việc quá hạn, đến hạn, báo cáo chờ ý kiến trong phạm vi của tôi"),
        required=False,
    )
