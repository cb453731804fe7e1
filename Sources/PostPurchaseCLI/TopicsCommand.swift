import ArgumentParser
import Foundation
import PostPurchaseCore

/// `postpurchase topics`: create and list the contract's topics on a real cluster.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create or list the contract's topics on a cluster.",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create every topic of the contract (existing ones are left as they are).")

        @OptionGroup var cluster: ClusterOptions

        @Option(help: "Partitions per topic: the ceiling for worker instances per group.")
        var partitions: Int32 = 12

        @Option(help: "Replication factor.")
        var replicationFactor: Int32 = 3

        func run() async throws {
            let configuration = try cluster.load()
            let names = TopicName.contractTopics.map(configuration.topics.map.physical)
            let admin = try KafkaAdmin(properties: configuration.clientProperties(), logger: cliLogger())
            let outcomes = try admin.createTopics(names, partitions: partitions, replicationFactor: replicationFactor)
            var failed = false
            for name in names {
                switch outcomes[name] {
                case .created: print("created  \(name) (\(partitions) partitions, replication \(replicationFactor))")
                case .alreadyExisted: print("exists   \(name)")
                case .failed(let reason): print("FAILED   \(name): \(reason)"); failed = true
                case nil: print("UNKNOWN  \(name): no result"); failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cluster's topics with partition counts, marking the contract's.")

        @OptionGroup var cluster: ClusterOptions

        func run() async throws {
            let configuration = try cluster.load()
            let admin = try KafkaAdmin(properties: configuration.clientProperties(), logger: cliLogger())
            let topics = try admin.topics()
            let contract = Set(TopicName.contractTopics.map(configuration.topics.map.physical))
            for (name, partitions) in topics.sorted(by: { $0.key < $1.key }) {
                print("\(contract.contains(name) ? "*" : " ") \(name)  partitions=\(partitions)")
            }
            for name in contract.sorted() where topics[name] == nil { print("! \(name)  MISSING") }
        }
    }
}
