import Foundation
import PostPurchaseCore
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func load(_ yaml: String, environment: [String: String] = [:]) throws -> PostPurchaseConfiguration {
        var configuration = PostPurchaseConfiguration()
        try ConfigurationLoader.apply(yaml: yaml, to: &configuration)
        try ConfigurationLoader.apply(environment: environment, to: &configuration)
        try ConfigurationLoader.validate(configuration)
        return configuration
    }

    func expectError(key: String, _ yaml: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try load(yaml, environment: environment)
            Issue.record("expected an error for \(key)", sourceLocation: sourceLocation)
        } catch let error as ConfigurationError {
            #expect(error.key == key, sourceLocation: sourceLocation)
            #expect(!error.reason.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func shippedDefaultFileLoadsAndEqualsBuiltInDefaults() throws {
        let path = Self.repositoryRoot.appendingPathComponent("Config/postpurchase.yaml").path
        var configuration = try ConfigurationLoader.load(file: path, environment: [:])
        // The workers' own sections are checked against their defaults in their own test suites.
        configuration.workerSections = [:]
        #expect(configuration == PostPurchaseConfiguration())
    }

    @Test func environmentOverridesTheFile() throws {
        let configuration = try load("""
            kafka:
              bootstrapServers: file:9092
            topics:
              prefix: file-
              orders: shop-orders
            """, environment: [
                "KAFKA_BOOTSTRAP_SERVERS": "a:9092,b:9093", "POSTPURCHASE_TOPIC_PREFIX": "staging.",
                "POSTPURCHASE_DATA_DIR": "/var/lib/pp", "POSTPURCHASE_GROUP_ID": "g1", "POSTPURCHASE_HTTP_PORT": "9300",
                "KAFKA_PROP_SOCKET_KEEPALIVE_ENABLE": "true",
            ])
        #expect(configuration.kafka.bootstrapServers == "a:9092,b:9093")
        #expect(configuration.topics.map.physical(.orders) == "staging.shop-orders")
        #expect(configuration.topics.map.physical(.notifications) == "staging.notifications")
        #expect(configuration.store.dataDir == "/var/lib/pp")
        #expect(configuration.http.port == 9300)
        #expect(configuration.consumerProperties(workerName: "w")["group.id"] == "g1")
        #expect(configuration.kafka.properties["socket.keepalive.enable"] == "true")
    }

    @Test func writeBehindIsOnByDefaultAndTheFileOrTheEnvironmentTurnsItOff() throws {
        #expect(try load("").store.writeBehind)
        #expect(try !load("store:\n  writeBehind: false\n").store.writeBehind)
        #expect(try !load("", environment: ["POSTPURCHASE_WRITE_BEHIND": "false"]).store.writeBehind)
        #expect(try load("store:\n  writeBehind: false\n", environment: ["POSTPURCHASE_WRITE_BEHIND": "true"]).store.writeBehind)
        expectError(key: "store.writeBehind", "store:\n  writeBehind: sometimes\n")
        expectError(key: "POSTPURCHASE_WRITE_BEHIND", "", environment: ["POSTPURCHASE_WRITE_BEHIND": "sometimes"])
    }

    @Test func defaultGroupIdFollowsTheContract() {
        #expect(PostPurchaseConfiguration().consumerProperties(workerName: "tracking-worker")["group.id"] == "postpurchase-tracking-worker")
    }

    @Test func saslSettingsBecomeLibrdkafkaProperties() throws {
        let configuration = try load("", environment: [
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": "svc", "KAFKA_SASL_PASSWORD": "s3cret",
        ])
        let properties = configuration.clientProperties()
        #expect(properties["security.protocol"] == "sasl_ssl")
        #expect(properties["sasl.mechanism"] == "SCRAM-SHA-512")
        #expect(properties["sasl.password"] == "s3cret")
    }

    @Test func naglesAlgorithmIsOffUnlessAPropertySaysOtherwise() throws {
        #expect(try load("").clientProperties()["socket.nagle.disable"] == "true")
        #expect(try load("").producerProperties(workerName: "w")["socket.nagle.disable"] == "true")
        let explicit = try load("", environment: ["KAFKA_PROP_SOCKET_NAGLE_DISABLE": "false"])
        #expect(explicit.consumerProperties(workerName: "w")["socket.nagle.disable"] == "false")
    }

    @Test func errorsNameTheKey() {
        expectError(key: "kafka.securityProtocol", "kafka: {securityProtocol: tls}")
        expectError(key: "kafka.bootstrapServers", "kafka: {bootstrapServers: 'no-port'}")
        expectError(key: "kafka.saslMechanism", "kafka: {securityProtocol: sasl_ssl}")
        expectError(key: "kafka.saslMechanism", "kafka: {securityProtocol: sasl_plaintext, saslMechanism: GSSAPI, saslUsername: u, saslPassword: p}")
        expectError(key: "kafka.saslPassword", "kafka: {securityProtocol: sasl_plaintext, saslMechanism: PLAIN, saslUsername: u}")
        expectError(key: "kafka.assignmentStrategy", "kafka: {assignmentStrategy: sticky}")
        expectError(key: "kafka.sslCaLocation", "kafka: {sslCaLocation: /does/not/exist.pem}")
        expectError(key: "runtime.batchSize", "runtime: {batchSize: 0}")
        expectError(key: "runtime.batchSize", "runtime: {batchSize: many}")
        expectError(key: "runtime.clockSpeed", "runtime: {clockSpeed: -2}")
        expectError(key: "http.port", "http: {port: 70000}")
        expectError(key: "logging.level", "logging: {level: loud}")
        expectError(key: "topics.orders", "topics: {orders: 'bad name!'}")
        expectError(key: "kafka.bootstrapservers", "kafka: {bootstrapservers: x:1}")
        expectError(key: "runtim", "runtim: {}")
        expectError(key: "kafka", "kafka: 3")
        expectError(key: "POSTPURCHASE_HTTP_PORT", "", environment: ["POSTPURCHASE_HTTP_PORT": "eighty"])
        expectError(key: "POSTPURCHASE_CLOCK_SPEED", "", environment: ["POSTPURCHASE_CLOCK_SPEED": "fast"])
    }

    @Test func unknownKeySuggestsTheRightSpelling() {
        do {
            _ = try load("kafka: {bootstrapservers: x:1}")
        } catch let error as ConfigurationError {
            #expect(error.description == "invalid configuration: kafka.bootstrapservers: unknown key (did you mean 'bootstrapServers'?)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func secretsNeverAppearInErrors() throws {
        let configuration = try load("", environment: [
            "KAFKA_SECURITY_PROTOCOL": "sasl_plaintext", "KAFKA_SASL_MECHANISM": "PLAIN",
            "KAFKA_SASL_USERNAME": "svc", "KAFKA_SASL_PASSWORD": "hunter2-secret",
            "KAFKA_PROP_SSL_KEY_PASSWORD": "another-secret-value", "KAFKA_PROP_NO_SUCH_PROPERTY": "x",
        ])
        // librdkafka rejects the unknown property; the error must not echo any secret.
        do {
            _ = try KafkaProducer(properties: configuration.producerProperties(workerName: "w"), logger: .init(label: "t"))
            Issue.record("expected an error for the unknown property")
        } catch {
            let text = "\(error) \(String(reflecting: error))"
            #expect(text.contains("no.such.property"))
            #expect(!text.contains("hunter2-secret"))
            #expect(!text.contains("another-secret-value"))
        }
    }

    /// A worker's settings type as the workers declare theirs.
    struct SampleSettings: Codable, Equatable {
        struct Window: Codable, Equatable {
            var start = "21:00"
            var end = "08:00"
        }
        struct Rule: Codable, Equatable {
            var category: String
            var sku: String
        }
        var quietHours = Window()
        var staleAfterDays = 3
        var feePercent = 0.0
        var enabled = true
        var rules: [Rule] = [Rule(category: "coffee", sku: "FILTER-1")]
        var percentByReason: [String: Int] = ["damaged": 100]
        var note: String?
    }

    @Test func workerSectionsOverrideOnlyWhatTheyName() throws {
        let configuration = try load("""
            followup:
              quietHours:
                end: "07:30"
              staleAfterDays: 5
              percentByReason: {changed-mind: 50}
              note: hello
            """)
        let settings = try configuration.workerSettings(.followup, defaults: SampleSettings())
        var expected = SampleSettings()
        expected.quietHours.end = "07:30"
        expected.staleAfterDays = 5
        expected.percentByReason = ["damaged": 100, "changed-mind": 50]
        expected.note = "hello"
        #expect(settings == expected)
        // Other workers' sections do not leak into this one.
        #expect(try configuration.workerSettings(.returns, defaults: SampleSettings()) == SampleSettings())
    }

    @Test func workerSectionErrorsNameTheKeyPath() throws {
        func error(_ yaml: String) throws -> ConfigurationError? {
            do {
                _ = try load(yaml).workerSettings(.loyalty, defaults: SampleSettings())
                return nil
            } catch let error as ConfigurationError {
                return error
            }
        }
        #expect(try error("loyalty:\n  quietHours:\n    strat: '22:00'\n")?.key == "loyalty.quietHours.strat")
        #expect(try error("loyalty:\n  staleAfterDays: soon\n")?.key == "loyalty.staleAfterDays")
        #expect(try error("loyalty:\n  rules:\n    - category: tea\n")?.key == "loyalty.rules[0].sku")
        #expect(try error("loyalty:\n  rules:\n    - {category: tea, sku: T, skew: 1}\n")?.key == "loyalty.rules[0].skew")
        #expect(try error("loyalty:\n  enabled: maybe\n")?.key == "loyalty.enabled")
        expectError(key: "loyalty", "loyalty: 5\n")
        expectError(key: "rewards", "rewards: {}\n")
    }
}
