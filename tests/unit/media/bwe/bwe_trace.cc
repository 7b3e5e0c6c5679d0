#include "bwe_trace.h"

#include <fstream>
#include <sstream>

namespace tr::media::test {

std::vector<FeedbackMessage> LoadTrace(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = "cannot open " + path;
    return {};
  }
  std::vector<FeedbackMessage> trace;
  FeedbackMessage current;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    std::istringstream fields(line);
    if (line.rfind("fb ", 0) == 0) {
      std::string tag;
      if (!(fields >> tag >> current.now_us)) {
        *error = path + ":" + std::to_string(line_number) + ": bad fb line";
        return {};
      }
      trace.push_back(std::move(current));
      current = {};
      continue;
    }
    PacketFeedback p;
    if (!(fields >> p.send_time_us >> p.receive_time_us >> p.size >> p.probe_cluster)) {
      *error = path + ":" + std::to_string(line_number) + ": bad packet line";
      return {};
    }
    current.packets.push_back(p);
  }
  if (!current.packets.empty()) {
    *error = path + ": packets after the last fb line";
    return {};
  }
  return trace;
}

void WriteFeedback(std::ostream& out, const FeedbackMessage& message) {
  for (const PacketFeedback& p : message.packets) {
    out << p.send_time_us << ' ' << p.receive_time_us << ' ' << p.size << ' ' << p.probe_cluster
        << '\n';
  }
  out << "fb " << message.now_us << '\n';
}

std::vector<ReplayPoint> Replay(const std::vector<FeedbackMessage>& trace,
                                BandwidthEstimator::Options options, int64_t rtt_us) {
  BandwidthEstimator bwe(options);
  bwe.OnRtt(rtt_us);
  std::vector<ReplayPoint> out;
  out.reserve(trace.size());
  for (const FeedbackMessage& m : trace) {
    bwe.OnFeedback(m.packets, m.now_us);
    bwe.Tick(m.now_us);
    out.push_back({m.now_us, bwe.stats()});
  }
  return out;
}

}  // namespace tr::media::test
