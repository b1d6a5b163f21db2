using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using Rnn.Gen.Generator.Model;
using Rnn.Gen.Generator.Planning;
using Rnn.Gen.Generator.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Rnn.Gen.Generator.Tests;

/// <summary>
/// The memory the warning RNNGEN032 states is what an instance takes: the plan's count of the buffers a constructor
/// allocates (<c>ModelPlan.ConstructionBuffers</c>) against the bytes that constructing the compiled model allocates,
/// as the runtime counts them. A buffer counted but not allocated fails the test, and so does one allocated but not
/// counted: the objects around the buffers take about 2.5 KB (headers, each aligned buffer's slack, the noise
/// generator, the workspace's bookkeeping), and every buffer of these models is larger than what the allowance leaves.
/// </summary>
public class ModelMemoryTests(ITestOutputHelper output)
{
    /// <summary>
    /// Object headers, the alignment slack of each aligned buffer, the generator and bookkeeping objects (the int8
    /// model's small per-matrix arrays among them: it measured 3,084 bytes over its count with every buffer counted).
    /// </summary>
    private const long Overhead = 3584;

    public static TheoryData<string> Models() => new()
    {
        // The batch path (its shared buffer), convolution and pooling.
        "[RnnModel(8, 64)] [Conv1D(16, 3)] [MaxPool1D(2)] [Lstm(256)] [Dense(4)] public partial class Model;",
        // Token input: the int overloads' id buffer.
        "[RnnModel(1, 300)] [Embedding(100, 16)] [Gru(256)] [Dense(3, Activation = Activation.Softmax)] public partial class Model;",
        // A decoder: its own state and the fed-back outputs, no inference cache.
        "[RnnModel(1, 20)] [Embedding(30, 8)] [Gru(256)] [Decoder(300, StartToken = 1)] [Embedding(30, 8)] [Gru(256)] [Dense(30, Activation = Activation.Softmax)] public partial class Model;",
        // A stateful model: the carried state.
        "[RnnModel(4, 300, Stateful = true)] [Lstm(256, ReturnSequences = true)] [Dense(1)] public partial class Model;",
        // Int8 weights: the quantized matrices, their scales and offsets, the activations' scratch.
        "[RnnModel(16, 50, Weights = WeightPrecision.Int8)] [Lstm(256, ReturnSequences = true)] [Gru(128)] [Dense(4)] public partial class Model;",
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Constructing_a_model_allocates_what_the_plan_counts(string declaration)
    {
        GeneratorRun run = GeneratorHarness.Run("using Rnn.Gen;\nnamespace Memory;\n" + declaration);
        Assert.Empty(run.CompilationDiagnostics);
        var spec = (ModelSpec)run.Driver.GetRunResult().Results.Single().TrackedSteps[RnnModelGenerator.TrackingNames.Models].Single().Outputs.Single().Value;
        long counted = ModelPlan.Create(spec).ConstructionBuffers().Sum(b => b.Floats) * sizeof(float);

        using var image = new MemoryStream();
        EmitResult emitted = run.Output.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext(nameof(ModelMemoryTests), isCollectible: true);
        try
        {
            Type type = context.LoadFromStream(image).GetType("Memory.Model", throwOnError: true)!;
            ConstructorInfo constructor = type.GetConstructor(Type.EmptyTypes)!;
            GC.KeepAlive(constructor.Invoke(null)); // the first: JIT and the class's static buffers
            // The fewest bytes of three constructions: the runtime now and then allocates a few KB on the thread while
            // a constructor runs (about 1 run in 6 here, on any of these models), which only ever adds.
            long allocated = long.MaxValue;
            for (int i = 0; i < 3; i++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                object model = constructor.Invoke(null);
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
                GC.KeepAlive(model);
            }

            output.WriteLine($"counted {counted} bytes, allocated {allocated} bytes");
            Assert.InRange(allocated - counted, 0, Overhead);
        }
        finally
        {
            context.Unload();
        }
    }
}
