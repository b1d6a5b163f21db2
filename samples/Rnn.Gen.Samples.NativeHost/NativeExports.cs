using System;
using System.Collections.Concurrent;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Rnn.Gen.Samples.NativeHost;

/// <summary>
/// The C entry points of <see cref="SunspotModel"/> in the NativeAOT shared library; <c>host/rnngen_model.h</c>
/// declares them. No exception ever crosses into the host: every entry point catches everything, returns a status
/// code (<see cref="Status"/>, 0 for success) and keeps the error's message for <c>rnngen_last_error</c>, one per
/// thread. A model is a handle into a table, not a pointer to managed memory: a handle that was never made, or was
/// freed already, is an error with a message, not a crash. One model may be used by one thread at a time; a call
/// that finds it in use by another thread fails with <see cref="Status.Busy"/> and changes nothing.
/// </summary>
public static unsafe class NativeExports
{
    /// <summary>The status codes, as <c>rnngen_status</c> in the header.</summary>
    public enum Status
    {
        /// <summary>The call succeeded.</summary>
        Ok = 0,

        /// <summary>A null pointer, or a length that is not the model's.</summary>
        InvalidArgument = 1,

        /// <summary>The model handle is null, was never created, or was freed.</summary>
        InvalidHandle = 2,

        /// <summary>The weight file cannot be read (missing, unreadable).</summary>
        FileError = 3,

        /// <summary>The weight file is not a safetensors file of this model's parameters; the model is unchanged.</summary>
        FormatError = 4,

        /// <summary>Another thread is using this model at the same time; nothing was done.</summary>
        Busy = 5,

        /// <summary>Anything else (out of memory, a bug): the message says what.</summary>
        InternalError = 6,
    }

    private static readonly ConcurrentDictionary<nint, SunspotModel> Models = new();
    private static long lastHandle;

    [ThreadStatic]
    private static nint lastError;

    /// <summary>The status of this thread's last failure, for the entry points that return it after a helper failed.</summary>
    [ThreadStatic]
    private static int lastStatus;

    /// <summary>The model's sizes: floats per step in and out, and the time steps of one <c>Predict</c> window.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_sizes")]
    public static int Sizes(int* inputSize, int* steps, int* outputSize, int* outputSteps)
    {
        if (inputSize is null || steps is null || outputSize is null || outputSteps is null)
        {
            return Fail(Status.InvalidArgument, "rnngen_model_sizes: every pointer must be non-null.");
        }

        *inputSize = SunspotModel.InputSize;
        *steps = SunspotModel.Steps;
        *outputSize = SunspotModel.OutputSize;
        *outputSteps = SunspotModel.OutputSteps;
        return (int)Status.Ok;
    }

    /// <summary>Makes a model (every buffer it will use) and writes its handle to <paramref name="model"/>; its weights are loaded next.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_create")]
    public static int Create(nint* model)
    {
        if (model is null)
        {
            return Fail(Status.InvalidArgument, "rnngen_model_create: the pointer to the handle must be non-null.");
        }

        *model = 0;
        try
        {
            nint handle = (nint)Interlocked.Increment(ref lastHandle);
            Models[handle] = new SunspotModel();
            *model = handle;
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return Fail(Status.InternalError, $"rnngen_model_create: {e.Message}");
        }
    }

    /// <summary>
    /// Loads every parameter from a safetensors file (UTF-8 path), PyTorch's <c>state_dict</c> names; either all of
    /// them or none. Resets the streaming state.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_load_weights")]
    public static int LoadWeights(nint model, byte* path)
    {
        const string EntryPoint = "rnngen_model_load_weights";
        if (path is null)
        {
            return Fail(Status.InvalidArgument, $"{EntryPoint}: the path must be a non-null UTF-8 string.");
        }

        if (Enter(model, EntryPoint) is not { } m)
        {
            return lastStatus;
        }

        string file = "";
        try
        {
            file = Marshal.PtrToStringUTF8((nint)path)!;
            m.LoadWeights(file);
            m.ResetState();
            return (int)Status.Ok;
        }
        catch (InvalidDataException e)
        {
            return Fail(Status.FormatError, $"{EntryPoint}: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(Status.FileError, $"{EntryPoint}: {file}: {e.Message}");
        }
        catch (Exception e)
        {
            return Failed(EntryPoint, e);
        }
        finally
        {
            Monitor.Exit(m);
        }
    }

    /// <summary>Zeroes the streaming state: the next <c>rnngen_model_step</c> starts a new series.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_reset")]
    public static int Reset(nint model)
    {
        const string EntryPoint = "rnngen_model_reset";
        if (Enter(model, EntryPoint) is not { } m)
        {
            return lastStatus;
        }

        try
        {
            m.ResetState();
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return Failed(EntryPoint, e);
        }
        finally
        {
            Monitor.Exit(m);
        }
    }

    /// <summary>One time step: <c>InputSize</c> floats in, <c>OutputSize</c> floats out; the state is kept for the next step.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_step")]
    public static int Step(nint model, float* input, int inputLength, float* output, int outputLength)
    {
        const string EntryPoint = "rnngen_model_step";
        if (!Check(EntryPoint, input, inputLength, SunspotModel.InputSize, output, outputLength, SunspotModel.OutputSize)
            || Enter(model, EntryPoint) is not { } m)
        {
            return lastStatus;
        }

        try
        {
            m.Step(new ReadOnlySpan<float>(input, inputLength), new Span<float>(output, outputLength));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return Failed(EntryPoint, e);
        }
        finally
        {
            Monitor.Exit(m);
        }
    }

    /// <summary>
    /// One window from a zero state, leaving the streaming state alone: <c>Steps × InputSize</c> floats in (time-major),
    /// <c>OutputSteps × OutputSize</c> out.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_predict")]
    public static int Predict(nint model, float* input, int inputLength, float* output, int outputLength)
    {
        const string EntryPoint = "rnngen_model_predict";
        if (!Check(EntryPoint, input, inputLength, SunspotModel.Steps * SunspotModel.InputSize,
                output, outputLength, SunspotModel.OutputSteps * SunspotModel.OutputSize)
            || Enter(model, EntryPoint) is not { } m)
        {
            return lastStatus;
        }

        try
        {
            m.Predict(new ReadOnlySpan<float>(input, inputLength), new Span<float>(output, outputLength));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return Failed(EntryPoint, e);
        }
        finally
        {
            Monitor.Exit(m);
        }
    }

    /// <summary>Frees a model; its handle is invalid afterwards. Freeing a null handle does nothing and succeeds.</summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_model_free")]
    public static int Free(nint model)
    {
        if (model == 0)
        {
            return (int)Status.Ok;
        }

        if (!Models.TryGetValue(model, out SunspotModel? m))
        {
            return Fail(Status.InvalidHandle, $"rnngen_model_free: {model} is not a model handle (never created, or freed already).");
        }

        // Under the model's lock, so that a call still running on another thread finishes first.
        if (!Monitor.TryEnter(m))
        {
            return Fail(Status.Busy, "rnngen_model_free: another thread is using this model; free it after that call returns.");
        }

        try
        {
            return Models.TryRemove(model, out _)
                ? (int)Status.Ok
                : Fail(Status.InvalidHandle, $"rnngen_model_free: {model} was freed by another thread.");
        }
        finally
        {
            Monitor.Exit(m);
        }
    }

    /// <summary>
    /// The message of the last call on this thread that failed (UTF-8, never null; empty before any failure). Valid
    /// until the next failing call on the same thread; the library owns it.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "rnngen_last_error")]
    public static byte* LastError() => lastError != 0 ? (byte*)lastError : EmptyString();

    private static byte* EmptyString() => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference("\0"u8));

    /// <summary>
    /// The model behind <paramref name="handle"/>, its lock taken (the caller releases it); null when the handle is not
    /// a model's or another thread holds it, with <c>lastStatus</c> and the message set.
    /// </summary>
    private static SunspotModel? Enter(nint handle, string entryPoint)
    {
        if (!Models.TryGetValue(handle, out SunspotModel? model))
        {
            Fail(Status.InvalidHandle, handle == 0
                ? $"{entryPoint}: the model handle is null."
                : $"{entryPoint}: {handle} is not a model handle (never created, or freed already).");
            return null;
        }

        if (!Monitor.TryEnter(model))
        {
            Fail(Status.Busy, $"{entryPoint}: another thread is using this model; use one model per thread.");
            return null;
        }

        // Freed by another thread between the lookup and the lock: the handle is gone.
        if (!Models.ContainsKey(handle))
        {
            Monitor.Exit(model);
            Fail(Status.InvalidHandle, $"{entryPoint}: {handle} was freed by another thread.");
            return null;
        }

        return model;
    }

    /// <summary>Whether both buffers are non-null and of the model's lengths; when not, sets the error and <c>lastStatus</c>.</summary>
    private static bool Check(string entryPoint, float* input, int inputLength, int expectedInput, float* output, int outputLength, int expectedOutput)
    {
        if (input is null || output is null)
        {
            Fail(Status.InvalidArgument, $"{entryPoint}: the input and output pointers must be non-null.");
            return false;
        }

        if (inputLength != expectedInput || outputLength != expectedOutput)
        {
            Fail(Status.InvalidArgument,
                $"{entryPoint}: expected {expectedInput} input floats and {expectedOutput} output floats, got {inputLength} and {outputLength}.");
            return false;
        }

        return true;
    }

    /// <summary>The status of an exception thrown inside an entry point: a wrong argument, or anything else.</summary>
    private static int Failed(string entryPoint, Exception e) => e is ArgumentException
        ? Fail(Status.InvalidArgument, $"{entryPoint}: {e.Message}")
        : Fail(Status.InternalError, $"{entryPoint}: {e.GetType().Name}: {e.Message}");

    /// <summary>Keeps <paramref name="message"/> as this thread's last error and returns <paramref name="status"/>.</summary>
    private static int Fail(Status status, string message)
    {
        nint previous = lastError;
        lastError = Marshal.StringToCoTaskMemUTF8(message);
        lastStatus = (int)status;
        if (previous != 0)
        {
            Marshal.FreeCoTaskMem(previous);
        }

        return (int)status;
    }
}
