import CRdKafka

/// Builds a librdkafka configuration object from string properties: the one place where our
/// Swift settings become librdkafka's `key=value` dictionary.
enum RDKafkaConfig {
    /// Property names whose values must never appear in logs or errors.
    static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.contains("password") || lowered.contains("secret") || lowered.hasSuffix(".key")
            || lowered.contains("key.pem") || lowered.contains("sasl.oauthbearer.config")
    }

    /// A `rd_kafka_conf_t` with every property set, or an error naming the property (never its
    /// value when it is a secret: librdkafka echoes values in its error strings).
    static func make(_ properties: [String: String], operation: String) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError.client("rd_kafka_conf_new returned nil", operation: operation)
        }
        var errorBuffer = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, name, value, &errorBuffer, errorBuffer.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let detail = errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                let shown = isSecret(name) ? "invalid value for \(name) (value hidden)" : detail
                throw KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG, operation: operation, message: shown)
            }
        }
        return conf
    }

    /// Properties with secret values masked, for logs.
    static func redacted(_ properties: [String: String]) -> [String: String] {
        var copy = properties
        for key in copy.keys where isSecret(key) { copy[key] = "***" }
        return copy
    }

    /// The error librdkafka wrote into `errorBuffer` while creating a handle.
    static func message(_ buffer: [CChar]) -> String {
        buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
