"""Valid unified social credit codes for the Python tests (server/domain/uscc.cc).

A code is the registration prefix (2), the region (6), the organisation body
(8), the GB 11714 check of the body, and the GB 32100 check of all 17
(domain.md "USCC").
"""

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def uscc(region6, body8, prefix="91"):
    """A valid credit code: GB 11714 check at position 17, GB 32100 at 18."""
    def org_value(c):
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10
    check = 11 - sum(org_value(c) * w for c, w in zip(body8, ORG_WEIGHTS)) % 11
    code = prefix + region6 + body8 + {10: "X", 11: "0"}.get(check, str(check))
    check = (31 - sum(USCC_ALPHABET.index(c) * w
                      for c, w in zip(code, USCC_WEIGHTS)) % 31) % 31
    return code + USCC_ALPHABET[check]


assert uscc("320100", "MA1N2B3C") == "91320100MA1N2B3C8C"  # a known valid code
