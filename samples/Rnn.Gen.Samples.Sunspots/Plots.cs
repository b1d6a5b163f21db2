using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Rnn.Gen.Training;
using ScottPlot;

namespace Rnn.Gen.Samples.Sunspots;

/// <summary>Where the sample writes its plots.</summary>
internal static class SamplePaths
{
    /// <summary><c>out/</c> beside the project file (recorded at build time), or beside the program when that is unknown.</summary>
    public static string OutputFolder()
    {
        string? project = typeof(SamplePaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "SampleFolder")?.Value;
        string root = project is not null && Directory.Exists(project) ? project : AppContext.BaseDirectory;
        return Path.Combine(root, "out");
    }
}

/// <summary>The sample's two PNG plots, drawn with ScottPlot.</summary>
internal static class Plots
{
    private const int Width = 900, Height = 500;

    /// <summary>Training and validation MSE per epoch on a log scale, with the kept epoch marked.</summary>
    public static void Losses(TrainingResult result, string path)
    {
        double[] epochs = result.History.Select(m => (double)m.Epoch).ToArray();
        double[] training = result.History.Select(m => Math.Log10(m.TrainingLoss)).ToArray();
        double[] validation = result.History.Select(m => Math.Log10(m.ValidationLoss ?? double.NaN)).ToArray();

        var plot = new Plot();
        var trainingLine = plot.Add.ScatterLine(epochs, training);
        trainingLine.LegendText = "training MSE";
        trainingLine.LineWidth = 2;
        var validationLine = plot.Add.ScatterLine(epochs, validation);
        validationLine.LegendText = "validation MSE (1951–1988)";
        validationLine.LineWidth = 2;
        if (result.BestEpoch is int best)
        {
            var kept = plot.Add.VerticalLine(best);
            kept.LegendText = $"kept: epoch {best}";
            kept.LinePattern = LinePattern.Dashed;
            kept.Color = Colors.Gray;
        }

        // A log-scaled y axis: the data are log10 values, the ticks are labelled with the values themselves.
        var ticks = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.Left.TickGenerator = ticks;
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(0.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(0.05);
        plot.Title("Sunspots LSTM: loss per epoch (normalized units)");
        plot.XLabel("epoch");
        plot.YLabel("mean squared error (log scale)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Font.Automatic(); // a font installed here that has every character used
        plot.SavePng(path, Width, Height);
    }

    /// <summary>The yearly sunspot numbers and the model's one-step forecasts for the validation and test years.</summary>
    public static void Forecasts(SunspotSeries series, WindowSet validation, double[] validationForecasts,
        WindowSet test, double[] testForecasts, string path)
    {
        int first = validation.FirstTargetYear - 10;
        double[] years = Enumerable.Range(first, series.LastYear - first + 1).Select(y => (double)y).ToArray();
        double[] actual = years.Select(y => (double)series[(int)y]).ToArray();

        var plot = new Plot();
        var testSpan = plot.Add.HorizontalSpan(test.FirstTargetYear - 0.5, series.LastYear + 0.5);
        testSpan.LegendText = "test years";
        testSpan.FillStyle.Color = Colors.Orange.WithAlpha(0.12);
        testSpan.LineStyle.Width = 0;

        var truth = plot.Add.ScatterLine(years, actual);
        truth.LegendText = "actual";
        truth.LineWidth = 2;
        truth.Color = Colors.Black;

        double[] forecastYears = Enumerable.Range(validation.FirstTargetYear, validation.Count + test.Count).Select(y => (double)y).ToArray();
        var forecast = plot.Add.Scatter(forecastYears, validationForecasts.Concat(testForecasts).ToArray());
        forecast.LegendText = "LSTM one-step forecast";
        forecast.LineWidth = 2;
        forecast.MarkerSize = 5;
        forecast.Color = Colors.DodgerBlue;

        double[] naive = forecastYears.Select(y => (double)series[(int)y - 1]).ToArray();
        var naiveLine = plot.Add.ScatterLine(forecastYears, naive);
        naiveLine.LegendText = "naive (last year's value)";
        naiveLine.LinePattern = LinePattern.Dotted;
        naiveLine.Color = Colors.Gray;

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = x => x.ToString("0", System.Globalization.CultureInfo.InvariantCulture),
        };
        plot.Axes.SetLimitsY(-5, 250); // room for the legend above the peaks
        plot.Title($"Sunspot numbers: forecasts for {validation.FirstTargetYear}–{series.LastYear} (validation, then test from {test.FirstTargetYear})");
        plot.XLabel("year");
        plot.YLabel("yearly mean sunspot number");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Font.Automatic();
        plot.SavePng(path, Width, Height);
    }
}
