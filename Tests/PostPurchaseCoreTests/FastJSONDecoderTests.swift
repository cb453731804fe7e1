import Foundation
import PostPurchaseCore
import Testing

/// ``FastJSONDecoder`` must decode exactly what Foundation's `JSONDecoder` decodes, and fail where
/// it fails with the same error case and coding path (rejections name fields from them).
@Suite("Fast JSON decoder")
struct FastJSONDecoderTests {
    /// Foundation's decoder configured as the project's was before: RFC 3339 dates.
    static let reference: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not RFC 3339")
            }
            return date
        }
        return decoder
    }()

    static let snakeReference: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    struct Everything: Codable, Equatable {
        enum Kind: String, Codable { case outbound, `return` }
        struct Line: Codable, Equatable { var sku: String; var quantity: Int; var price: Money? }
        var text: String
        var escaped: String
        var int: Int
        var negative: Int64
        var small: UInt8
        var double: Double
        var float: Float
        var flag: Bool
        var date: Date
        var optionalDate: Date?
        var missing: String?
        var null: Int?
        var kind: Kind
        var lines: [Line]
        var nested: [[Int]]
        var map: [String: Int]
        var bytes: Data
        var free: JSONValue
    }

    static let everything = Everything(
        text: "plain", escaped: "quote \" backslash \\ tab \t newline \n é عربي 📦 \u{2067}TRK\u{2069}", int: 42,
        negative: -9_007_199_254_740_993, small: 255, double: 12.5e-3, float: 1.25, flag: true,
        date: Date(timeIntervalSince1970: 1_795_158_900.123), optionalDate: nil, missing: nil, null: nil, kind: .return,
        lines: [.init(sku: "A", quantity: 2, price: Money(amount: 12999, currency: "SAR")), .init(sku: "B", quantity: 1, price: nil)],
        nested: [[], [1, 2], [3]], map: ["a": 1, "b_c": 2], bytes: Data([0, 1, 2, 250]),
        free: .object(["k": .array([.string("v"), .number(1.5), .bool(false), .null])]))

    @Test func decodesWhatTheEncoderWritesLikeFoundation() throws {
        let data = try CloudEventCodec.encoder.encode(Self.everything)
        let fast = try FastJSONDecoder().decode(Everything.self, from: data)
        let foundation = try Self.reference.decode(Everything.self, from: data)
        #expect(fast == foundation)
        #expect(fast == Self.everything)
    }

    @Test func readsWhitespaceEscapesAndUnicodeEscapes() throws {
        let text = #" { "text" : "a\u00e9\ud83d\udce6\/b" , "n" : [ 1 , -0.5e2 , 0 ] } "#
        struct Small: Decodable, Equatable { var text: String; var n: [Double] }
        let fast = try FastJSONDecoder().decode(Small.self, from: Data(text.utf8))
        #expect(fast == Small(text: "aé📦/b", n: [1, -50, 0]))
        #expect(fast == (try Self.reference.decode(Small.self, from: Data(text.utf8))))
    }

    /// Random JSON values: strings with escapes and non-ASCII text, numbers, nesting.
    @Test func randomValuesRoundTripLikeFoundation() throws {
        var generator = SplitMix(seed: 0x5EED)
        for _ in 0..<400 {
            let value = Self.randomValue(&generator, depth: 0)
            let data = try CloudEventCodec.encoder.encode(value)
            let fast = try FastJSONDecoder().decode(JSONValue.self, from: data)
            let foundation = try Self.reference.decode(JSONValue.self, from: data)
            #expect(fast == foundation, "\(String(decoding: data, as: UTF8.self))")
        }
    }

    static func randomValue(_ generator: inout SplitMix, depth: Int) -> JSONValue {
        switch generator.next() % (depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(generator.next() % 2 == 0)
        case 2: return .number(Double(Int64(bitPattern: generator.next()) % 1_000_000) / 100)
        case 3:
            let alphabet = Array("ab\"\\/\n\t\u{1}é€عربي📦 ")
            return .string(String((0..<Int(generator.next() % 12)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }))
        case 4: return .array((0..<Int(generator.next() % 4)).map { _ in randomValue(&generator, depth: depth + 1) })
        default:
            var object: [String: JSONValue] = [:]
            for index in 0..<Int(generator.next() % 4) { object["k\(index)\u{e9}"] = randomValue(&generator, depth: depth + 1) }
            return .object(object)
        }
    }

    @Test(arguments: [
        "", " ", "{", "}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "\"abc",
        "\"a\u{1}b\"", "\"\\x\"", "\"\\u12g4\"", "tru", "nul", "[1] [2]", "{\"a\":1}}", "NaN", "[\"\u{FFFD}\"] x",
    ])
    func rejectsWhatIsNotJSON(_ text: String) throws {
        #expect(throws: DecodingError.self) { try Self.reference.decode(JSONValue.self, from: Data(text.utf8)) }
        do {
            _ = try FastJSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            Issue.record("accepted \(text)")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.codingPath.isEmpty)
        }
    }

    /// Foundation tolerates trailing commas; RFC 8259 does not, and neither do we.
    @Test(arguments: ["[1,]", "{\"a\":1,}"])
    func rejectsTrailingCommas(_ text: String) {
        #expect(throws: DecodingError.self) { try FastJSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes = Data([0x22, 0xC3, 0x28, 0x22])  // "\xC3(" : a broken two-byte sequence
        #expect(throws: DecodingError.self) { try FastJSONDecoder().decode(String.self, from: bytes) }
        #expect(throws: DecodingError.self) { try Self.reference.decode(String.self, from: bytes) }
    }

    @Test func refusesHostileNesting() {
        let deep = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: DecodingError.self) { try FastJSONDecoder().decode(JSONValue.self, from: deep) }
    }

    /// The error case and the coding path, which ``EventRejection`` turns into the field name.
    static func shape(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "keyNotFound \(path(context.codingPath)) \(key.stringValue)"
        case .valueNotFound(_, let context)?: return "valueNotFound \(path(context.codingPath))"
        case .typeMismatch(_, let context)?: return "typeMismatch \(path(context.codingPath))"
        case .dataCorrupted(let context)?: return "dataCorrupted \(path(context.codingPath))"
        default: return "\(error)"
        }
    }

    @Test(arguments: [
        #"{"orderId":"o-1","items":[{"sku":"A","quantity":"2"}]}"#,
        #"{"orderId":"o-1","items":[{"sku":"A"}]}"#,
        #"{"orderId":null,"items":[]}"#,
        #"{"items":[]}"#,
        #"{"orderId":"o-1","items":{"sku":"A"}}"#,
        #"{"orderId":"o-1","items":[{"sku":"A","quantity":2,"kind":"sideways"}]}"#,
        #"{"orderId":"o-1","items":[],"when":"yesterday"}"#,
        #"["not","an","object"]"#,
    ])
    func failsWithFoundationsCaseAndPath(_ text: String) {
        struct Line: Decodable { enum Kind: String, Decodable { case up, down }; var sku: String; var quantity: Int; var kind: Kind? }
        struct Order: Decodable { var orderId: String; var items: [Line]; var when: Date? }
        let data = Data(text.utf8)
        var fastError: (any Error)?
        var foundationError: (any Error)?
        do { _ = try FastJSONDecoder().decode(Order.self, from: data) } catch { fastError = error }
        do { _ = try Self.reference.decode(Order.self, from: data) } catch { foundationError = error }
        #expect(fastError != nil && foundationError != nil)
        #expect(fastError.map(Self.shape) == foundationError.map(Self.shape))
    }

    /// A number that is no integer or too large: Foundation reports it without a path (so it
    /// would read as "not JSON"); we name the member.
    @Test(arguments: ["1.5", "99999999999999999999"])
    func namesTheMemberOfANumberThatDoesNotFit(_ number: String) {
        struct Line: Decodable { var quantity: Int }
        do {
            _ = try FastJSONDecoder().decode([Line].self, from: Data("[{\"quantity\":\(number)}]".utf8))
            Issue.record("accepted \(number)")
        } catch {
            #expect(Self.shape(error) == "dataCorrupted [0].quantity")
        }
    }

    @Test func convertsSnakeCaseLikeFoundation() throws {
        struct Tracker: Decodable, Equatable {
            var trackingCode: String
            var estDeliveryDate: String?
            var trackingDetails: [Detail]
            var object: String
            struct Detail: Decodable, Equatable { var statusDetail: String; var trackingLocation: [String: String]? }
        }
        let text = #"{"object":"Tracker","tracking_code":"EZ1","est_delivery_date":"2025-02-25","trackingCode_x":1,"tracking_details":[{"status_detail":"arrived","tracking_location":{"city":"DALLAS"}}]}"#
        let fast = try FastJSONDecoder(keyDecodingStrategy: .convertFromSnakeCase).decode(Tracker.self, from: Data(text.utf8))
        #expect(fast == (try Self.snakeReference.decode(Tracker.self, from: Data(text.utf8))))
        #expect(fast.trackingCode == "EZ1")
        // Without the strategy the snake-case names do not fill camel-case keys.
        #expect(throws: DecodingError.self) { try FastJSONDecoder().decode(Tracker.self, from: Data(text.utf8)) }
    }
}

/// A small deterministic generator for the random cases.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
