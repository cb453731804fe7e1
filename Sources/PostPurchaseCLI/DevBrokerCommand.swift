import ArgumentParser
import Foundation
import PostPurchaseCore

/// `postpurchase dev-broker`: librdkafka's mock cluster on loopback with the contract's topics.
struct DevBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-broker",
        abstract: "Run a development Kafka cluster on loopback (librdkafka mock cluster) until stopped.",
        discussion: """
            Speaks the real Kafka protocol (consumer groups included), so workers, kcat and other clients can use it.
            It keeps only a few MB per partition: long runs must consume while they produce.
            """)

    @Option(help: "Number of brokers.")
    var brokers = 1

    @Option(help: "Partitions per topic.")
    var partitions: Int32 = 6

    @Option(help: "Prefix for every topic name (as POSTPURCHASE_TOPIC_PREFIX).")
    var topicPrefix = ProcessInfo.processInfo.environment["POSTPURCHASE_TOPIC_PREFIX"] ?? ""

    @Option(help: "Extra topics to create besides the contract's.")
    var topic: [String] = []

    @Option(help: "Write the bootstrap server list to this file once the broker is up.")
    var bootstrapFile: String?

    func validate() throws {
        guard (1...9).contains(brokers) else { throw ValidationError("--brokers must be between 1 and 9") }
        guard (1...256).contains(partitions) else { throw ValidationError("--partitions must be between 1 and 256") }
    }

    func run() async throws {
        let broker = try DevBroker(brokers: brokers, logger: cliLogger())
        let names = TopicName.contractTopics.map { topicPrefix + $0.rawValue } + topic
        for name in names {
            try broker.createTopic(name, partitions: partitions, replicationFactor: Int32(min(brokers, 3)))
        }
        if let bootstrapFile {
            try broker.bootstrapServers.write(toFile: bootstrapFile, atomically: true, encoding: .utf8)
        }
        print("dev broker running: \(brokers) broker(s), \(names.count) topics × \(partitions) partitions")
        print("topics: \(names.joined(separator: ", "))")
        print("bootstrap: \(broker.bootstrapServers)")
        print("export KAFKA_BOOTSTRAP_SERVERS=\(broker.bootstrapServers)")
        fflush(nil)
        await waitForTerminationSignal()
        print("dev broker stopped")
        withExtendedLifetime(broker) {}
    }
}
