"""A config saved by Windows Notepad starts with a UTF-8 byte-order mark: it is read like any other."""

from __future__ import annotations

from wfm.config import load_config

CONFIG = """[centre]
name = "北京 10086"
interval_minutes = 30

[queues.billing]
sl_target = 0.8
answer_time_s = 20

[[shifts]]
code = "D"
start_times = ["09:00"]
length_h = 9
"""


def test_a_config_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CONFIG.encode("utf-8"))
    cfg = load_config(path)
    assert cfg.centre.name == "北京 10086" and cfg.centre.interval_minutes == 30
    assert list(cfg.queues) == ["billing"] and cfg.queues["billing"].sl_target == 0.8


def test_a_misspelt_key_names_the_key_it_is_close_to(tmp_path):
    import pytest

    from wfm.errors import InputError

    path = tmp_path / "config.toml"
    path.write_text(CONFIG.replace("answer_time_s = 20", "answer_time_s = 20\nmax_ocupancy = 0.85")
                    + "\n[rules]\nmax_overtime_h_mnth = 36\nfoo = 1\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_config(path)
    messages = [p.message for p in exc.value.errors]
    assert any("queues.billing.max_ocupancy: unknown key: did you mean max_occupancy?" in m for m in messages)
    assert any("rules.max_overtime_h_mnth: unknown key: did you mean max_overtime_h_month?" in m for m in messages)
    assert any(m.startswith("rules.foo: unknown key (allowed:") for m in messages)
