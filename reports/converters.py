"""URL converter for reporting period codes such as 2024S1."""


class PeriodCodeConverter:
    regex = r"[0-9]{4}S[12]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return getattr(value, "code", value)
