import CRdKafka

/// Creates librdkafka client handles: the one place that wires a configuration to the Swift
/// context its C callbacks reach (logs, errors, and whatever `configure` adds).
enum RDKafkaClient {
    /// A new handle of `type` and the retained context its callbacks see; release the context
    /// after `rd_kafka_destroy`.
    static func make(
        _ type: rd_kafka_type_t, properties: [String: String], context: ClientContext, operation: String,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws -> (handle: OpaquePointer, context: Unmanaged<ClientContext>) {
        let conf = try RDKafkaConfig.make(properties, operation: "configure \(operation)")
        let unmanaged = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, unmanaged.toOpaque())
        rd_kafka_conf_set_log_cb(conf, clientLogTrampoline)
        rd_kafka_conf_set_error_cb(conf, clientErrorTrampoline)
        configure(conf)
        var errorBuffer = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorBuffer, errorBuffer.count) else {
            rd_kafka_conf_destroy(conf)
            unmanaged.release()
            throw KafkaError.client(RDKafkaConfig.message(errorBuffer), operation: "create \(operation)")
        }
        return (handle, unmanaged)
    }
}
