package brain

// ThreadCPUNanos exports threadCPUNanos to the external tests.
var ThreadCPUNanos = threadCPUNanos
