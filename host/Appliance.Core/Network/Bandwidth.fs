module Appliance.Core.Network.Bandwidth

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
