import Foundation
import Testing
@testable import Tracking

@Suite("Tracking-number index")
struct TrackingNumberIndexTests {
    /// The text-processing definitions the ASCII fast paths must agree with.
    static func referenceKey(_ text: String) -> String { text.uppercased().filter { !$0.isWhitespace } }
    static func referenceCarrier(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }

    static let samples = [
        "", "1Z999AA10123456784", "1z 999 aa1\t0123\n4567\r\n84", "  bm000000000042 ", "DHL_Express", "USPS", "usps.com",
        "Fed-Ex Ground!", "dhl\u{0B}express\u{0C}", "DHL Exprèss", "ＵＰＳ", "رقم١٢٣", "straße 12", "ǅ-dz",
    ]

    @Test(arguments: samples) func keysAgreeWithUnicodeUppercasingWithoutWhitespace(_ text: String) {
        #expect(TrackingNumberIndex.key(text) == Self.referenceKey(text))
    }

    @Test(arguments: samples) func carrierNamesAgreeWithUnicodeLowercasedAlphanumerics(_ text: String) {
        #expect(TrackingNumberIndex.normalise(text) == Self.referenceCarrier(text))
    }

    @Test func carriersMatchAcrossCaseSpellingAndPrefixes() {
        #expect(TrackingNumberIndex.sameCarrier("USPS", "usps"))
        #expect(TrackingNumberIndex.sameCarrier("dhl", "DHL_Express"))
        #expect(TrackingNumberIndex.sameCarrier("", "fedex"))
        #expect(!TrackingNumberIndex.sameCarrier("ups", "fedex"))
        #expect(TrackingNumberIndex.key(" 1z 999 ") == "1Z999")
    }
}
