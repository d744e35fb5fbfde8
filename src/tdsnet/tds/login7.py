"""LOGIN7 (MS-TDS 2.2.6.4): the fixed header, the offset table, the variable data,
password obfuscation and the FeatureExt block.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag

from .errors import ProtocolError
from .wire import U32, Reader, decode_ucs2, encode_ucs2

# Length, TDSVersion, PacketSize, ClientProgVer, ClientPID, ConnectionID,
# OptionFlags1, OptionFlags2, TypeFlags, OptionFlags3, ClientTimeZone, ClientLCID
_FIXED = struct.Struct("<IIIIII4BiI")
_OFFSET = struct.Struct("<HH")
# Fixed part, nine (offset, length) entries, ClientID, SSPI, AtchDBFile,
# ChangePassword and cbSSPILong: the 7.2+ header in front of the variable data.
_HEADER_SIZE = _FIXED.size + 9 * _OFFSET.size + 6 + 3 * _OFFSET.size + 4

# The (offset, length) fields in the order of the offset table.
_TEXT_FIELDS_1 = ("hostname", "username", "password", "appname", "servername")
_TEXT_FIELDS_2 = ("library", "language", "database")

FEATURE_TERMINATOR = 0xFF


class TdsVersion(IntEnum):
    """TDS versions as LOGIN7 carries them (little-endian on the wire)."""

    V7_0 = 0x70000000
    V7_1 = 0x71000000
    V7_1_REV1 = 0x71000001
    V7_2 = 0x72090002
    V7_3A = 0x730A0003
    V7_3B = 0x730B0003
    V7_4 = 0x74000004
    V8_0 = 0x08000000


class OptionFlags1(IntFlag):
    BYTE_ORDER_68000 = 0x01
    CHAR_EBCDIC = 0x02
    FLOAT_VAX = 0x04
    FLOAT_ND5000 = 0x08
    DUMPLOAD_OFF = 0x10
    USE_DB_ON = 0x20
    INIT_DB_FATAL = 0x40
    SET_LANG_ON = 0x80


class OptionFlags2(IntFlag):
    INIT_LANG_FATAL = 0x01
    ODBC = 0x02
    USER_TYPE_SERVER = 0x10
    USER_TYPE_REPLICATION = 0x20
    USER_TYPE_SQLREPL = 0x30
    INTEGRATED_SECURITY = 0x80


class TypeFlags(IntFlag):
    SQL_TSQL = 0x01
    OLEDB = 0x10
    READ_ONLY_INTENT = 0x20


class OptionFlags3(IntFlag):
    CHANGE_PASSWORD = 0x01
    USER_INSTANCE = 0x02
    SEND_YUKON_BINARY_XML = 0x04
    UNKNOWN_COLLATION_HANDLING = 0x08
    EXTENSION = 0x10


class Feature(IntEnum):
    SESSIONRECOVERY = 0x01
    FEDAUTH = 0x02
    COLUMNENCRYPTION = 0x04
    GLOBALTRANSACTIONS = 0x05
    AZURESQLSUPPORT = 0x08
    DATACLASSIFICATION = 0x09
    UTF8_SUPPORT = 0x0A
    AZURESQLDNSCACHING = 0x0B
    JSONSUPPORT = 0x0D
    VECTORSUPPORT = 0x0E
    ENHANCEDROUTINGSUPPORT = 0x0F


@dataclass(slots=True)
class Login7:
    tds_version: int = TdsVersion.V7_4
    packet_size: int = 4096
    client_prog_version: int = 0
    client_pid: int = 0
    connection_id: int = 0
    option_flags1: int = OptionFlags1.USE_DB_ON | OptionFlags1.SET_LANG_ON
    option_flags2: int = OptionFlags2.INIT_LANG_FATAL | OptionFlags2.ODBC
    type_flags: int = 0
    option_flags3: int = 0
    client_timezone: int = 0
    client_lcid: int = 0x0409
    hostname: str = ""
    username: str = ""
    password: str = ""
    appname: str = ""
    servername: str = ""
    library: str = ""
    language: str = ""
    database: str = ""
    client_id: bytes = b"\x00" * 6
    sspi: bytes = b""
    attach_db_file: str = ""
    change_password: str = ""
    features: list[tuple[int, bytes]] = field(default_factory=list)

    @property
    def integrated_security(self) -> bool:
        return bool(self.option_flags2 & OptionFlags2.INTEGRATED_SECURITY) or bool(self.sspi)

    @property
    def read_only_intent(self) -> bool:
        return bool(self.type_flags & TypeFlags.READ_ONLY_INTENT)

    def __repr__(self) -> str:
        # Never let a password reach a log through repr().
        return (
            f"Login7(tds_version={self.tds_version:#010x}, username={self.username!r}, "
            f"hostname={self.hostname!r}, appname={self.appname!r}, database={self.database!r})"
        )


# MS-TDS 2.2.6.4 works byte by byte, so both directions are 256-entry translation tables.
_OBFUSCATE = bytes(((b << 4) & 0xF0 | (b >> 4)) ^ 0xA5 for b in range(256))
_DEOBFUSCATE = bytes((((b ^ 0xA5) << 4) & 0xF0) | ((b ^ 0xA5) >> 4) for b in range(256))


def obfuscate_password(password: str) -> bytes:
    """MS-TDS 2.2.6.4: swap each byte's nibbles, then XOR with 0xA5."""
    return encode_ucs2(password).translate(_OBFUSCATE)


def deobfuscate_password(data: bytes) -> str:
    return decode_ucs2(data.translate(_DEOBFUSCATE))


def decode(payload: bytes) -> Login7:
    """Parse a LOGIN7 message; raises ProtocolError for malformed input."""
    reader = Reader(payload)
    (
        length,
        version,
        packet_size,
        prog_version,
        pid,
        connection_id,
        flags1,
        flags2,
        type_flags,
        flags3,
        timezone,
        lcid,
    ) = _unpack_fixed(reader)
    if length > len(payload) or length < _FIXED.size:
        raise ProtocolError(f"LOGIN7 length {length} does not match the message ({len(payload)})")
    login = Login7(
        tds_version=version,
        packet_size=packet_size,
        client_prog_version=prog_version,
        client_pid=pid,
        connection_id=connection_id,
        option_flags1=flags1,
        option_flags2=flags2,
        type_flags=type_flags,
        option_flags3=flags3,
        client_timezone=timezone,
        client_lcid=lcid,
    )

    def field_bytes(offset: int, size: int) -> bytes:
        """``size`` bytes at ``offset`` inside the LOGIN7 length (a Reader's check and error)."""
        if not size:
            return b""
        if offset + size > length:
            raise Reader(payload, offset, length)._truncated(size)
        return bytes(payload[offset : offset + size])

    def text(offset: int, chars: int) -> str:
        return decode_ucs2(field_bytes(offset, chars * 2))

    for name in _TEXT_FIELDS_1:
        offset, chars = reader.u16(), reader.u16()
        if name == "password":
            login.password = deobfuscate_password(field_bytes(offset, chars * 2))
        else:
            setattr(login, name, text(offset, chars))
    ext_offset, ext_length = reader.u16(), reader.u16()
    for name in _TEXT_FIELDS_2:
        offset, chars = reader.u16(), reader.u16()
        setattr(login, name, text(offset, chars))
    login.client_id = reader.take(6)
    sspi_offset, sspi_length = reader.u16(), reader.u16()
    offset, chars = reader.u16(), reader.u16()
    login.attach_db_file = text(offset, chars)
    if version >= TdsVersion.V7_2 and reader.remaining >= 8 and reader.pos + 8 <= length:
        offset, chars = reader.u16(), reader.u16()
        login.change_password = deobfuscate_password(field_bytes(offset, chars * 2))
        sspi_long = reader.u32()
        if sspi_length == 0xFFFF:
            sspi_length = sspi_long
    login.sspi = field_bytes(sspi_offset, sspi_length)
    if flags3 & OptionFlags3.EXTENSION and ext_length >= 4:
        feature_offset = U32.unpack(field_bytes(ext_offset, 4))[0]
        login.features = _decode_features(Reader(payload, feature_offset, length))
    return login


def _unpack_fixed(reader: Reader) -> tuple[int, ...]:
    return _FIXED.unpack(reader.take(_FIXED.size))


def _decode_features(reader: Reader) -> list[tuple[int, bytes]]:
    features: list[tuple[int, bytes]] = []
    while True:
        feature = reader.u8()
        if feature == FEATURE_TERMINATOR:
            return features
        features.append((feature, reader.take(reader.u32())))


def encode(login: Login7) -> bytes:
    """Build a LOGIN7 message (7.2+ layout with the ChangePassword and SSPILong fields)."""
    fields: list[bytes] = [
        encode_ucs2(login.hostname),
        encode_ucs2(login.username),
        obfuscate_password(login.password),
        encode_ucs2(login.appname),
        encode_ucs2(login.servername),
        b"",  # extension pointer, filled below
        encode_ucs2(login.library),
        encode_ucs2(login.language),
        encode_ucs2(login.database),
    ]
    header_size = _HEADER_SIZE
    data = bytearray()
    table = bytearray()
    offsets: list[tuple[int, int]] = []
    for index, value in enumerate(fields):
        offsets.append((header_size + len(data), len(value)))
        if index == 5 and login.features:
            data += b"\x00\x00\x00\x00"  # patched with the FeatureExt offset
            offsets[-1] = (header_size + len(data) - 4, 4)
        else:
            data += value
    sspi_at = header_size + len(data)
    data += login.sspi
    attach = encode_ucs2(login.attach_db_file)
    attach_at = header_size + len(data)
    data += attach
    change = obfuscate_password(login.change_password) if login.change_password else b""
    change_at = header_size + len(data)
    data += change
    for index, (offset, size) in enumerate(offsets):
        chars = size if index == 5 else size // 2
        table += _OFFSET.pack(offset, chars)
    # ClientID sits between the Database entry and the SSPI entry.
    table += login.client_id[:6].ljust(6, b"\x00")
    table += _OFFSET.pack(sspi_at, min(len(login.sspi), 0xFFFF))
    table += _OFFSET.pack(attach_at, len(attach) // 2)
    table += _OFFSET.pack(change_at, len(change) // 2)
    table += U32.pack(len(login.sspi) if len(login.sspi) >= 0xFFFF else 0)
    flags3 = login.option_flags3
    if login.features:
        feature_at = header_size + len(data)
        ext_at = offsets[5][0] - header_size
        data[ext_at : ext_at + 4] = U32.pack(feature_at)
        for feature, value in login.features:
            data += bytes((feature,)) + U32.pack(len(value)) + value
        data.append(FEATURE_TERMINATOR)
        flags3 |= OptionFlags3.EXTENSION
    total = header_size + len(data)
    fixed = _FIXED.pack(
        total,
        login.tds_version,
        login.packet_size,
        login.client_prog_version,
        login.client_pid,
        login.connection_id,
        login.option_flags1,
        login.option_flags2,
        login.type_flags,
        flags3,
        login.client_timezone,
        login.client_lcid,
    )
    return fixed + bytes(table) + bytes(data)
