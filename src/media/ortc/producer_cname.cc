#include "media/ortc/producer_cname.h"

#include "common/random.h"

namespace tr::media::ortc {

void ApplyTransportCname(std::string& transport_cname, RtpParameters& params) {
  if (transport_cname.empty()) {
    if (params.rtcp.cname && !params.rtcp.cname->empty()) {
      transport_cname = *params.rtcp.cname;
    } else {
      transport_cname = RandomAlnum(8);
    }
  }
  params.rtcp.cname = transport_cname;
}

}  // namespace tr::media::ortc
