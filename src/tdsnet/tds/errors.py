"""The codec's one exception type: bytes that are not valid TDS."""


class ProtocolError(Exception):
    """Input that violates MS-TDS.  The connection that sent it cannot continue.

    ``hint`` says what was expected, for the error log and for people reading it.
    """

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def __str__(self) -> str:
        text = super().__str__()
        return f"{text} ({self.hint})" if self.hint else text
