import Plumb

/// The tasks `make run N=9 ARGS='…'` can start by name.
public let pipelineTasks: [any PipelineTask.Type] = [
  SalesReport.self, FetchRate.self, CleanPrices.self, StoreSales.self,
]
