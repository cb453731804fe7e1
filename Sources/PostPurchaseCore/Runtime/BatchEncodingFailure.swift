/// A value the batch encodes at its end (a saved entity or an emitted event) could not be encoded.
///
/// Nothing maps such a value back to the input whose handler produced it, so the pipeline
/// handles the batch again with each value encoded as its handler returns (see
/// ``WorkerPipeline``): the error is then that handler's, and only its input is retried and
/// dead-lettered, like any failing input.
struct BatchEncodingFailure: Error {
    var error: any Error
}
