"""The text of `data/score766.yaml` that the index page shows (names, notes, citations), marked
for translation: makemessages does not read yaml, so each string is repeated here and its English
is in the app's catalogue. The page translates the yaml's values as it shows them; a test
(tests/test_english.py) fails when the yaml says something this list does not."""

from django.utils.translation import gettext_noop

SCORE766 = (
    gettext_noop("Quyết định 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ"),
    gettext_noop("Tiến độ, kết quả giải quyết"),
    gettext_noop("Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục, nhóm chỉ số 2"),
    gettext_noop("[C] Nhóm 20 điểm trong thang 100 điểm của Bộ chỉ số (công khai, minh bạch 18; tiến độ, kết quả giải quyết 20; số hoá 22; dịch vụ trực tuyến 22; mức độ hài lòng 18). [U] Theo bản mô tả công thức tính của Cổng Dịch vụ công quốc gia, nhóm có hai chỉ số: 2.1 tỷ lệ hồ sơ xử lý trước hạn, đúng hạn (20 điểm) và 2.2 thời gian giải quyết trung bình theo từng thủ tục (chỉ hiển thị khi chọn một thủ tục, không thấy ghi điểm; chưa tính ở đây)."),
    gettext_noop("Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn"),
    gettext_noop("Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục, chỉ số 2.1; mô tả công thức tính chỉ số 766 trên Cổng Dịch vụ công quốc gia (dichvucong.gov.vn, trang đánh giá chất lượng phục vụ)"),
    gettext_noop("[U] Tỷ lệ = số hồ sơ đã và đang xử lý trước hạn, đúng hạn hoặc trong hạn trong kỳ ÷ tổng số hồ sơ được tiếp nhận, xử lý trong kỳ; điểm = 20 × tỷ lệ. Hồ sơ đã có kết quả (kể cả từ chối) đúng hạn khi ngày có kết quả không sau ngày hẹn trả (ngày hẹn đã dời theo thời gian công dân bổ sung hồ sơ); hồ sơ đang chờ công dân bổ sung lấy ngày yêu cầu bổ sung làm ngày kết thúc xử lý; hồ sơ chưa có kết quả lấy ngày cuối kỳ. Công thức và cách quy điểm lấy từ bản mô tả công thức của Cổng Dịch vụ công quốc gia và điểm công bố trên Cổng (20 × tỷ lệ tái tạo đúng các điểm đã công bố) qua một dự án mã nguồn mở thu thập số liệu Cổng; chưa đối chiếu được Phụ lục của Quyết định. Ở đây: kỳ là các hồ sơ tiếp nhận trong khoảng ngày đã chọn, ngày cuối kỳ là ngày cuối khoảng (hoặc hôm nay nếu sớm hơn); hồ sơ công dân rút không có ngày kết thúc trong dữ liệu nên không tính (Cổng tính ngày rút là ngày kết thúc)."),
    gettext_noop("Tỷ lệ hồ sơ quá hạn có văn bản xin lỗi, hẹn lại"),
    gettext_noop("Nghị định 118/2025/NĐ-CP (trước đó Nghị định 61/2018/NĐ-CP, Điều 19)"),
    gettext_noop("[U] Chỉ theo dõi, không cộng điểm: không thấy trong mô tả công thức của Bộ chỉ số. Hồ sơ sẽ quá hạn phải có văn bản xin lỗi, hẹn lại một lần, trước khi hết hạn; tỷ lệ thấp cho biết đơn vị để hồ sơ quá hạn mà không báo công dân. Hồ sơ quá hạn được đếm như ở tiêu chí tỷ lệ đúng hạn (mẫu số trừ tử số)."),
    gettext_noop("Tỷ lệ bước liên thông được chuyển hồ sơ đúng hạn"),
    gettext_noop("Nghị định 118/2025/NĐ-CP (chuyển hồ sơ liên thông trong ngày, sau 15 giờ thì ngày làm việc tiếp theo)"),
    gettext_noop("[U] Chỉ theo dõi, không cộng điểm: không thấy trong mô tả công thức của Bộ chỉ số. Chỉ có ở hồ sơ tiếp nhận trên Điều Hành (tệp nhập từ hệ thống một cửa không có các bước); bước tính cho đơn vị tiếp nhận hồ sơ. Quy tắc 15 giờ chưa được đối chiếu văn bản gốc."),
    gettext_noop("Mức độ hài lòng"),
    gettext_noop("Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục, nhóm chỉ số 5"),
    gettext_noop("[U] Nhóm 18 điểm trong thang 100 điểm của Bộ chỉ số. Trên Cổng Dịch vụ công quốc gia người dân đánh giá từng hồ sơ theo nhiều tiêu chí (tiến độ, tuân thủ quy định, thái độ cán bộ...); chưa đối chiếu được Phụ lục của Quyết định về số tiêu chí, các mức đánh giá và cách quy điểm. Ở đây tính một tiêu chí chung từ đánh giá năm mức trên trang tra cứu (như phiếu khảo sát mức độ hài lòng của các cổng dịch vụ công, ví dụ dichvucong.mic.gov.vn)."),
    gettext_noop("Tỷ lệ đánh giá hài lòng, rất hài lòng"),
    gettext_noop("Quyết định 766/QĐ-TTg ngày 23/6/2022, Phụ lục, nhóm chỉ số 5 (mức độ hài lòng); các mức đánh giá theo phiếu khảo sát mức độ hài lòng khi sử dụng dịch vụ công (dichvucong.mic.gov.vn)"),
    gettext_noop("[U] Tỷ lệ = số đánh giá «hài lòng» hoặc «rất hài lòng» ÷ số đánh giá của các hồ sơ tiếp nhận trong kỳ; điểm = 18 × tỷ lệ; không có đánh giá nào thì không có điểm («—»). Mỗi hồ sơ được đánh giá một lần, trên trang tra cứu sau khi có kết quả; hồ sơ nhập từ hệ thống một cửa của tỉnh không có mã tra cứu ở đây nên không có đánh giá. Cách quy điểm chưa đối chiếu văn bản gốc."),
)
