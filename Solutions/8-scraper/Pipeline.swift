import Plumb

/// The tasks `make run N=8 ARGS='…'` can start by name; RangeDaily, RangeHourly and RangeMonthly
/// come with every pipeline's command line.
public let pipelineTasks: [any PipelineTask.Type] = [DailyDigest.self, ScrapeDay.self]
