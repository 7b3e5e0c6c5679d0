#pragma once
// The one exception type of the ORTC layer. RTP parameters and capabilities come from the
// network (signaling), so every validation failure throws OrtcError with a message that
// names the offending field by its JSON path, e.g.
// "rtpParameters.codecs[1].payloadType: must be an integer in [0, 127]".
// The signaling layer turns it into an `error` event; nothing else escapes this library.
#include <stdexcept>
#include <string>

namespace tr::media::ortc {

class OrtcError : public std::runtime_error {
 public:
  explicit OrtcError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace tr::media::ortc
