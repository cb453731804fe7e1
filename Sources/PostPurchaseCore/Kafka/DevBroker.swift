import CRdKafka
import Logging

/// A Kafka cluster for development and tests: librdkafka's mock cluster, speaking the real Kafka
/// protocol on loopback (consumer groups included), reachable by other processes and tools.
///
/// It is one shared `rd_kafka_mock_cluster_new` cluster: per-client `test.mock.num.brokers`
/// clusters would not see each other's data. It keeps only a few MB per partition, so long runs
/// must consume while they produce.
public final class DevBroker {
    private let owner: OpaquePointer
    private let cluster: OpaquePointer
    private let context: Unmanaged<ClientContext>
    /// `host:port,host:port` of the mock brokers, for `KAFKA_BOOTSTRAP_SERVERS`.
    public let bootstrapServers: String

    /// Starts `brokers` mock brokers on loopback.
    public init(brokers: Int = 1, logger: Logger) throws {
        let context = ClientContext(logger: logger, rebalanceListener: nil)
        let client = try RDKafkaClient.make(RD_KAFKA_PRODUCER, properties: ["log.queue": "false"], context: context, operation: "dev broker")
        let owner = client.handle
        let unmanaged = client.context
        guard let cluster = rd_kafka_mock_cluster_new(owner, Int32(brokers)) else {
            rd_kafka_destroy(owner)
            unmanaged.release()
            throw KafkaError.client("rd_kafka_mock_cluster_new failed", operation: "start dev broker")
        }
        self.owner = owner
        self.cluster = cluster
        self.context = unmanaged
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
        context.release()
    }

    /// Creates a topic (replication limited to the number of brokers by the caller).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        let error = rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS {
            throw KafkaError(code: error, operation: "create topic \(name)")
        }
    }

    /// Takes a broker down (tests of transient failures); its partitions become unavailable.
    public func setBrokerDown(_ brokerId: Int32) {
        _ = rd_kafka_mock_broker_set_down(cluster, brokerId)
    }

    /// Makes `broker` the leader of one partition (tests that take one broker down).
    public func setLeader(topic: String, partition: Int32, broker: Int32) throws {
        let error = rd_kafka_mock_partition_set_leader(cluster, topic, partition, broker)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "set the leader of \(topic)/\(partition)") }
    }

    /// Makes `broker` the coordinator of consumer group `groupId`.
    public func setGroupCoordinator(_ groupId: String, broker: Int32) throws {
        let error = rd_kafka_mock_coordinator_set(cluster, "group", groupId, broker)
        if error != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: error, operation: "set the coordinator of \(groupId)") }
    }

    /// Brings a broker back up.
    public func setBrokerUp(_ brokerId: Int32) {
        _ = rd_kafka_mock_broker_set_up(cluster, brokerId)
    }
}
