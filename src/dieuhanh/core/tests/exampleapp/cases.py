from __future__ import annotations

from typing import Any

from dieuhanh.core.cases import CaseAction, CaseType, register
from dieuhanh.core.tests.exampleapp.models import Inspection, State


class InspectionCases(CaseType):
    name = "inspections"
    noun = "cuộc kiểm tra"
    url_name = "inspection"
    url_namespace = "exampleapp"
    model = Inspection
    states = State
    case_arg = "inspection"
    app = "exampleapp"
    actions = (
        CaseAction("close", "kết luận", (State.OPEN,), State.CLOSED, "act",
                   "dieuhanh.core.tests.exampleapp.views.CloseForm", "dieuhanh.core.tests.exampleapp.services.do_close",
                   "Kết luận kiểm tra", "Ghi kết luận", success="Đã ghi kết luận kiểm tra."),
    )

    def units_of(self, case: Any) -> list[int | None]:
        return [case.unit_id]


INSPECTIONS = register(InspectionCases())
