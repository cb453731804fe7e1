/// A JSON text parsed by ``FastJSONDecoder/parse(_:)``, ready to decode one or more types from.
public struct ParsedJSON {
    let document: JSONDocument
}
