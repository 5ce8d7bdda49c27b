"""Fictional Vietnamese names for the demo city's officials.

Names are drawn (seeded) from common family names, middle names and given names; any
combination may of course be someone's real name, so the officials named in the source
articles are excluded explicitly and no generated name is given a real person's post.
"""

from __future__ import annotations

import random

FAMILY = [
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Phạm", "Hoàng", "Vũ", "Vũ",
    "Đỗ", "Bùi", "Đặng", "Ngô", "Dương", "Đinh", "Phan", "Lương", "Mạc", "Tạ", "Cao", "Đào", "Hà",
    "Trịnh", "Lưu", "Nhữ", "Đồng", "Khúc", "Phí", "Tống", "Đoàn", "Vương",
]
MIDDLE_MALE = ["Văn", "Văn", "Đức", "Quang", "Minh", "Hữu", "Xuân", "Thanh", "Công", "Mạnh", "Tiến", "Duy", "Trọng", "Ngọc"]
MIDDLE_FEMALE = ["Thị", "Thị", "Thị", "Thu", "Thanh", "Minh", "Ngọc", "Thị Thu", "Thị Hồng", "Hải", "Phương", "Thị Kim"]
GIVEN_MALE = [
    "Hùng", "Dũng", "Tuấn", "Long", "Thắng", "Cường", "Hải", "Sơn", "Quân", "Khánh", "Trung", "Hiếu", "Phong",
    "Nam", "Toàn", "Việt", "Tùng", "Huy", "Bình", "Hoà", "Thành", "Lâm", "Vinh", "Lộc", "Đạt", "Kiên", "Tâm",
    "Hưng", "Thái", "Phúc", "Nghĩa", "Quyết", "Tú", "Đông", "Giang",
]
GIVEN_FEMALE = [
    "Hương", "Lan", "Mai", "Hạnh", "Thảo", "Huyền", "Ngân", "Hằng", "Nhung", "Hà", "Yến", "Trang", "Liên",
    "Thuỷ", "Phương", "Oanh", "Dung", "Loan", "Nga", "Thơ", "Vân", "Hoa", "Quyên", "Tuyết", "Duyên",
]

# Officials named in the source articles (docs/seeds): never generated.
REAL_NAMES = frozenset(
    {
        "Hoàng Quốc Thưởng", "Nguyễn Văn Hồng", "Nguyễn Thị Thanh Thúy", "Nguyễn Thị Thanh Thuý", "Nguyễn Văn Cương",
        "Nguyễn Văn Kiên", "Lê Văn Hiệu", "Nguyễn Thị Ngọc Bích", "Nguyễn Văn Phú", "Vũ Quyết Tiến",
    }
)


class NameMaker:
    """Unique fictional names, reproducible for a given seed."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken = set(taken or ()) | set(REAL_NAMES)

    def __call__(self) -> tuple[str, bool]:
        """A new name and whether the person is a woman."""
        while True:
            female = self.rng.random() < 0.38
            middle = self.rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
            given = self.rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
            name = f"{self.rng.choice(FAMILY)} {middle} {given}"
            if name not in self.taken:
                self.taken.add(name)
                return name, female
