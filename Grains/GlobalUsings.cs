global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Runtime;
global using Tollgate.Grains.Journal;
global using Tollgate.Storage;
