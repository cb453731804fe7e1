import Foundation

/// Decodes `Decodable` values from JSON, faster than Foundation's `JSONDecoder` (in the tracking
/// worker's profile, decoding fell from 20 % to 6 % of the samples).
///
/// Written here because decoding was the largest cost per event in the workers' profiles
/// (webhook bodies, event data, and every stored entity loaded) and no package in reach offers a
/// faster Codable JSON decoder. It parses the text once into a ``JSONDocument`` (nodes pointing
/// into the bytes) and builds Swift values only for the members a type asks for.
///
/// It reads what ``CloudEventCodec/encoder`` writes and throws the same `DecodingError` cases
/// with the same coding paths as `JSONDecoder`, so rejections name the same fields:
/// - `Date` from an RFC 3339 string with offset (the project's date format);
/// - `Data` from base64, `URL` from a string, `Decimal` from a number;
/// - keys as declared, or with ``KeyDecodingStrategy/convertFromSnakeCase`` for providers'
///   `snake_case` bodies (`tracking_number` fills `trackingNumber`).
public struct FastJSONDecoder: Sendable {
    /// How JSON member names map to coding keys.
    public enum KeyDecodingStrategy: Sendable {
        /// A member name must equal the key.
        case useDefaultKeys
        /// `snake_case` member names fill `camelCase` keys.
        case convertFromSnakeCase
    }

    /// How JSON member names map to coding keys.
    public var keyDecodingStrategy: KeyDecodingStrategy

    /// A decoder with the key strategy.
    public init(keyDecodingStrategy: KeyDecodingStrategy = .useDefaultKeys) {
        self.keyDecodingStrategy = keyDecodingStrategy
    }

    /// The value of type `T` in `data`.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decode(T.self, from: try parse(data))
    }

    /// `data` parsed (and checked) once, to decode one or more types from without parsing again:
    /// e.g. a few members to recognise a webhook's format, then the format's type.
    /// Throws `DecodingError.dataCorrupted` with an empty path when `data` is not JSON.
    public func parse(_ data: Data) throws -> ParsedJSON {
        do {
            return ParsedJSON(document: try JSONDocument(data))
        } catch {
            throw DecodingError.dataCorrupted(.init(
                codingPath: [], debugDescription: "The given data was not valid JSON (\(error)).", underlyingError: error))
        }
    }

    /// The value of type `T` in an already parsed text.
    public func decode<T: Decodable>(_ type: T.Type, from parsed: ParsedJSON) throws -> T {
        let decoder = JSONNodeDecoder(
            document: parsed.document, node: 0, path: .root, snakeCase: keyDecodingStrategy == .convertFromSnakeCase)
        return try decoder.unbox(0, as: T.self, path: .root)
    }
}
