"""The editable parts of a plan's report, in document order: (field, heading). A module of its own, with
no imports, so the reports module's drafts can name them while models load."""

NARRATIVE_SECTIONS = [
    ("intro", "Công tác lãnh đạo, chỉ đạo, quán triệt, triển khai thực hiện"),
    ("results", "Những kết quả nổi bật"),
    ("notable_examples", "Tập thể, cá nhân tiêu biểu"),
    ("limitations", "Hạn chế, khuyết điểm và nguyên nhân"),
    ("lessons", "Bài học kinh nghiệm"),
    ("next_steps", "Phương hướng, nhiệm vụ thời gian tới"),
    ("recommendations", "Đề xuất, kiến nghị"),
]
