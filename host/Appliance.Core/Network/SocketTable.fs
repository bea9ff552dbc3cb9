module Appliance.Core.Network.SocketTable

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
