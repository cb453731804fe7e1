import Foundation
import PostPurchaseCore
import Testing

@Suite("Database URL configuration")
struct PostgresDatabaseURLTests {
    @Test func parsesEveryPartAndDecodesEscapes() throws {
        let url = try PostgresDatabaseURL("postgres://app%40shop:p%40ss%3Aw0rd@db.internal:6432/post_purchase?sslmode=require")
        #expect(url.username == "app@shop")
        #expect(url.password == "p@ss:w0rd")
        #expect(url.host == "db.internal")
        #expect(url.port == 6432)
        #expect(url.database == "post_purchase")
        #expect(url.tls == .require)
        let defaults = try PostgresDatabaseURL("postgresql://app@localhost/state")
        #expect(defaults.port == 5432 && defaults.password == nil && defaults.tls == .prefer)
    }

    @Test func theDescriptionNeverShowsThePassword() throws {
        let url = try PostgresDatabaseURL("postgres://app:s3cret@db:5432/state")
        #expect(url.description == "postgres://app@db:5432/state?sslmode=prefer")
        #expect(!String(reflecting: url).contains("s3cret"))
        var configuration = PostPurchaseConfiguration()
        configuration.store.databaseUrl = "postgres://app:s3cret@db:5432/state"
        #expect(StateStoreFactory.location(configuration, workerName: "tracking-worker") == "postgres://app@db:5432/state?sslmode=prefer")
    }

    @Test(arguments: [
        ("mysql://app:s3cret@db/state", "must start with postgres://"),
        ("postgres://app:s3cret@db", "names no database"),
        ("postgres://:s3cret@db/state", "names no user"),
        ("postgres://app:s3cret@db:99999/state", "port"),
        ("postgres://app:s3cret@db/state?sslmode=sometimes", "sslmode must be one of"),
        ("postgres://app:s3cret@db/state?application=x", "unknown parameter"),
    ])
    func badURLsNameTheKeyAndNeverEchoTheSecret(url: String, reason: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.load(file: nil, environment: ["POSTPURCHASE_DATABASE_URL": url])
        }
        #expect(error?.key == "POSTPURCHASE_DATABASE_URL")
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
        #expect(error.map { "\($0)".contains("s3cret") } == false)
    }

    @Test func selectedByEnvironmentOrFileAndSQLiteWhenUnset() throws {
        #expect(try ConfigurationLoader.load(file: nil, environment: [:]).store.databaseUrl == nil)
        let fromEnvironment = try ConfigurationLoader.load(file: nil, environment: ["POSTPURCHASE_DATABASE_URL": "postgres://a:b@h/d"])
        #expect(fromEnvironment.store.databaseUrl == "postgres://a:b@h/d")
        var configuration = PostPurchaseConfiguration()
        try ConfigurationLoader.apply(yaml: "store:\n  databaseUrl: postgres://a:b@h/file\n", to: &configuration)
        #expect(configuration.store.databaseUrl == "postgres://a:b@h/file")
        // The environment wins over the file; set but empty switches back to SQLite.
        try ConfigurationLoader.apply(environment: ["POSTPURCHASE_DATABASE_URL": ""], to: &configuration)
        #expect(configuration.store.databaseUrl == nil)
        let error = #expect(throws: ConfigurationError.self) {
            var configuration = PostPurchaseConfiguration()
            try ConfigurationLoader.apply(yaml: "store:\n  databaseUrl: postgres://a:s3cret@h\n", to: &configuration)
        }
        #expect(error?.key == "store.databaseUrl")
        #expect(error.map { "\($0)".contains("s3cret") } == false)
    }
}
