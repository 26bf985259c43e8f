// gtscope-cli convert IN[#RECORD] OUT [--from FMT] [--to FMT]

#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "io/GraphIO.h"

namespace gts::cli {

int runConvert(const std::vector<std::string>& args) {
    CliArgs a(args, {"quiet"}, {"from", "to"});
    a.requirePositional(2, "gtscope-cli convert IN[#RECORD] OUT [--from FMT] [--to FMT]");
    io::ReadOptions in;
    if (auto f = a.value("from")) {
        in.format = io::parseFormat(*f);
        if (!in.format) throw UsageError("unknown input format '" + *f + "'");
    }
    io::WriteOptions out;
    if (auto f = a.value("to")) {
        out.format = io::parseFormat(*f);
        if (!out.format) throw UsageError("unknown output format '" + *f + "'");
    }
    const std::filesystem::path target(a.positional()[1]);
    if (!out.format && !io::formatFromPath(target) && target.has_extension())
        throw UsageError("cannot tell the output format from '" + target.string() +
                         "'; name it with --to");

    const io::GraphPath gp = io::parseGraphPath(a.positional()[0]);
    in.record = gp.record;
    const std::vector<Graph> graphs = io::readGraphs(gp.file, in);
    const io::Format outFormat = out.format ? *out.format
                                            : io::formatFromPath(target).value_or(io::Format::OgbFolder);
    const bool multi = outFormat == io::Format::GraphMl || outFormat == io::Format::Smiles ||
                       outFormat == io::Format::Sdf || outFormat == io::Format::OgbFolder;
    if (graphs.size() != 1 && !multi)
        throw UsageError(gp.file.string() + " holds " + std::to_string(graphs.size()) +
                         " graphs and " + io::formatName(outFormat) +
                         " holds one; pick one as IN#N (from 0)");
    io::writeGraphs(graphs, target, out);
    if (!a.flag("quiet"))
        std::cerr << "wrote " << graphs.size() << (graphs.size() == 1 ? " graph" : " graphs")
                  << " to " << target.string() << " (" << io::formatName(outFormat) << ")\n";
    return 0;
}

}  // namespace gts::cli
