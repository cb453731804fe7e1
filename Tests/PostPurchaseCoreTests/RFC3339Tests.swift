import Foundation
import PostPurchaseCore
import Testing

@Suite("RFC 3339 times")
struct RFC3339Tests {
    @Test(arguments: [
        ("2026-11-20T10:15:00Z", 1_795_169_700.0),
        ("2026-11-20T10:15:00+03:00", 1_795_158_900.0),
        ("2026-11-20T10:15:00-05:30", 1_795_189_500.0),
        ("2026-11-20t10:15:00.250z", 1_795_169_700.25),
        ("2024-02-29T23:59:59.999999Z", 1_709_251_199.999999),
        ("1970-01-01T00:00:00Z", 0.0),
    ])
    func parses(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(arguments: ["", "2026-11-20", "2026-11-20T10:15:00", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                      "2026-11-20T25:00:00Z", "2026-11-20T10:15:00+0300", "2026-11-20T10:15:00.Z", "2026-11-20T10:15:00Zjunk"])
    func rejects(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatsUTCWithMilliseconds() {
        #expect(RFC3339.format(Date(timeIntervalSince1970: 1_795_169_700.25)) == "2026-11-20T10:15:00.250Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59.000Z")
    }

    @Test func roundTripsManyInstants() throws {
        var seconds = -2_000_000_000.0
        while seconds < 4_000_000_000 {
            let date = Date(timeIntervalSince1970: seconds.rounded(.down) + 0.5)
            #expect(RFC3339.parse(RFC3339.format(date)) == date)
            seconds += 86_400 * 37.3
        }
    }
}
