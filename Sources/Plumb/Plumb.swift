// `import Plumb` is all a pipeline needs: the layers below are modules of their own so that the
// compiler keeps their dependencies one-way (Plumb.docc/Layers.md), and this re-exports them.
@_exported import PlumbBuild
@_exported import PlumbCommandLine
@_exported import PlumbCore
@_exported import PlumbLuigid
@_exported import PlumbNetwork
@_exported import PlumbObjectStores
@_exported import PlumbPostgres
@_exported import PlumbReporting
@_exported import PlumbSchedules
@_exported import PlumbWorkers
