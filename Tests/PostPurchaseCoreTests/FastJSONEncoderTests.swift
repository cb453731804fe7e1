import Foundation
import PostPurchaseCore
import Testing

/// ``FastJSONEncoder`` must write JSON that Foundation reads back as the same value.
@Suite("Fast JSON encoder")
struct FastJSONEncoderTests {
    typealias Everything = FastJSONDecoderTests.Everything

    @Test func foundationReadsBackWhatItWrites() throws {
        let data = try FastJSONEncoder().encode(FastJSONDecoderTests.everything)
        #expect(try FastJSONDecoderTests.reference.decode(Everything.self, from: data) == FastJSONDecoderTests.everything)
        #expect(try FastJSONDecoder().decode(Everything.self, from: data) == FastJSONDecoderTests.everything)
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
    }

    @Test func randomValuesRoundTripThroughFoundation() throws {
        var generator = SplitMix(seed: 0xC0DE)
        for _ in 0..<400 {
            let value = FastJSONDecoderTests.randomValue(&generator, depth: 0)
            let data = try FastJSONEncoder().encode(value)
            #expect(try FastJSONDecoderTests.reference.decode(JSONValue.self, from: data) == value, "\(String(decoding: data, as: UTF8.self))")
        }
    }

    @Test func writesCompactTextInDeclarationOrder() throws {
        struct Shipment: Encodable {
            var zeta = "a/b \"q\" \\ \u{1}\n"
            var alpha = 12.0
            var half = 0.5
            var missing: String? = nil
            var present: Int? = 3
            var date = Date(timeIntervalSince1970: 1_795_158_900)
            var list: [Int?] = [1, nil]
            var empty = Empty()
            struct Empty: Encodable {}
        }
        let text = String(decoding: try FastJSONEncoder().encode(Shipment()), as: UTF8.self)
        let date = RFC3339.format(Date(timeIntervalSince1970: 1_795_158_900))
        #expect(text == #"{"zeta":"a/b \"q\" \\ \u0001\n","alpha":12,"half":0.5,"present":3,"date":""# + date + #"","list":[1,null],"empty":{}}"#)
    }

    @Test func refusesNonFiniteNumbersNamingThePath() {
        struct Reading: Encodable { var values: [Double] }
        do {
            _ = try FastJSONEncoder().encode(Reading(values: [1, .nan]))
            Issue.record("encoded NaN")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["values", "1"])
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    /// Writes to a nested container after its sibling started: a stream cannot, Foundation can.
    struct Interleaved: Encodable, Equatable {
        enum Keys: String, CodingKey { case first, second, flat }
        enum Inner: String, CodingKey { case value }
        func encode(to encoder: any Encoder) throws {
            var root = encoder.container(keyedBy: Keys.self)
            var first = root.nestedContainer(keyedBy: Inner.self, forKey: .first)
            var second = root.nestedContainer(keyedBy: Inner.self, forKey: .second)
            try second.encode(2, forKey: .value)
            try first.encode(1, forKey: .value)
            try root.encode("x", forKey: .flat)
        }
    }

    @Test func fallsBackToFoundationForOutOfOrderContainers() throws {
        let data = try FastJSONEncoder().encode(["wrapped": Interleaved()])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])
        #expect((object["wrapped"]?["first"] as? [String: Int])?["value"] == 1)
        #expect((object["wrapped"]?["second"] as? [String: Int])?["value"] == 2)
        #expect(object["wrapped"]?["flat"] as? String == "x")
    }

    @Test func nestedContainersInOrderStream() throws {
        struct Nested: Encodable {
            enum Keys: String, CodingKey { case a, b, c }
            func encode(to encoder: any Encoder) throws {
                var root = encoder.container(keyedBy: Keys.self)
                var a = root.nestedUnkeyedContainer(forKey: .a)
                try a.encode(1)
                var inner = a.nestedContainer(keyedBy: Keys.self)
                try inner.encode(true, forKey: .c)
                try a.encode(2)
                var b = root.nestedContainer(keyedBy: Keys.self, forKey: .b)
                try b.encodeNil(forKey: .c)
                try root.encode([String](), forKey: .c)
            }
        }
        #expect(String(decoding: try FastJSONEncoder().encode(Nested()), as: UTF8.self) == #"{"a":[1,{"c":true},2],"b":{"c":null},"c":[]}"#)
    }
}
